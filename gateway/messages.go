package gateway

import (
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// The gateway's messages in the l10n catalogue (decision 0015). Titles'
// English is the titles map; the Chinese is here, with each problem type's
// explanation, used when a detail has no translation of its own.

var zhTitles = map[string]string{
	CodeUnauthenticated:             "缺少 API 密钥或密钥未知",
	CodeMalformedRequest:            "请求格式错误",
	CodeRejected:                    "账本拒绝了该证明",
	CodePayloadTooLarge:             "请求体过大",
	CodeTooManyItems:                "单次请求的条目过多",
	CodeRateLimited:                 "请求过于频繁",
	CodeBadPurpose:                  "缺少查询用途或用途未知",
	CodeUnavailable:                 "账本暂不可用",
	CodeMethodNotAllowed:            "不支持该请求方法",
	CodeUnsupportedMedia:            "不支持的内容类型",
	CodeWebhookDestinationRefused:   "Webhook 目标地址被拒绝",
	CodeBudgetExceeded:              "已超出每日额度",
	CodeSecretUnavailable:           "联盟密钥不可用",
	contract.CodeInvalidArgument:    "参数无效",
	contract.CodeForbidden:          "无权执行此操作",
	contract.CodeNotFound:           "未找到",
	contract.CodeConflict:           "与现有记录冲突",
	contract.CodeFailedPrecondition: "当前状态下不允许此操作",
	contract.CodeInternal:           "内部错误",
}

var about = map[string][2]string{
	CodeUnauthenticated:             {"The request carries no valid API key.", "请求未携带有效的 API 密钥。"},
	CodeMalformedRequest:            {"The request body could not be read as the expected JSON.", "请求体无法按预期的 JSON 格式解析。"},
	CodeRejected:                    {"The ledger refused the attestation.", "账本拒绝了该证明。"},
	CodePayloadTooLarge:             {"The request body is larger than the node accepts.", "请求体超出节点允许的大小。"},
	CodeTooManyItems:                {"The request has more items than one request may carry.", "单次请求的条目数超出上限。"},
	CodeRateLimited:                 {"Too many requests; retry later.", "请求过于频繁，请稍后重试。"},
	CodeBadPurpose:                  {"Every lookup must state an allowed purpose.", "每次查询都必须注明允许的用途。"},
	CodeUnavailable:                 {"The ledger could not answer now; retry later.", "账本暂时无法应答，请稍后重试。"},
	CodeMethodNotAllowed:            {"This path does not serve that method.", "该路径不支持此请求方法。"},
	CodeUnsupportedMedia:            {"The body's content type is not one this route reads.", "该接口不接受此内容类型。"},
	CodeWebhookDestinationRefused:   {"The node will not send alerts to that address.", "节点不会向该地址发送预警。"},
	CodeBudgetExceeded:              {"The member's daily budget is spent; the association has been told.", "本成员今日额度已用完，已通知协会。"},
	CodeSecretUnavailable:           {"This node does not have the consortium secret yet.", "本节点尚未获得联盟密钥。"},
	contract.CodeInvalidArgument:    {"An argument of the request is not valid.", "请求中的参数无效。"},
	contract.CodeForbidden:          {"The ledger's rules do not allow this caller to do that.", "账本规则不允许该调用方执行此操作。"},
	contract.CodeNotFound:           {"No such record.", "记录不存在。"},
	contract.CodeConflict:           {"The request conflicts with what the ledger holds.", "请求与账本中已有的记录冲突。"},
	contract.CodeFailedPrecondition: {"The record is not in a state that allows this.", "记录当前的状态不允许此操作。"},
	contract.CodeInternal:           {"The node failed; the request may be retried.", "节点内部错误，可重试该请求。"},
}

var gatewayMessages = []l10n.Entry{
	{Key: "problem.original", EN: " Original: %s", ZH: "原文：%s"},

	{Key: "auth.header", EN: "send Authorization: Bearer <api key>", ZH: "请发送 Authorization: Bearer <API 密钥> 请求头"},
	{Key: "auth.unknown", EN: "unknown API key", ZH: "API 密钥未知"},
	{Key: "auth.cert", EN: "the client certificate is not bound to any client", ZH: "客户端证书未绑定任何 API 客户端"},
	{Key: "route.none", EN: "no such route: %s %s", ZH: "没有此接口：%s %s"},
	{Key: "route.method", EN: "%s is not served on %s; allowed: %s", ZH: "%[2]s 不支持 %[1]s；允许的方法：%[3]s"},
	{Key: "watch.notwatched", EN: "the subject is not in your watchlist", ZH: "该主体不在您的监控名单中"},
	{Key: "webhook.none", EN: "no webhook is configured for %s", ZH: "%s 尚未配置 Webhook"},
	{Key: "ledger.timeout", EN: "the ledger did not answer in time; the transaction may still commit, and resubmitting an attestation is safe",
		ZH: "账本未能及时应答；交易仍可能提交，重新提交证明是安全的"},
	{Key: "ledger.failed", EN: "the ledger could not process the request", ZH: "账本无法处理该请求"},
	{Key: "body.toolarge", EN: "the body is larger than the limit of %d bytes", ZH: "请求体超过了 %d 字节的上限"},
	{Key: "lookup.oneof", EN: `give exactly one of "subjects" and "ids", with at least one entry`, ZH: `"subjects" 与 "ids" 须且只能给出其一，且至少包含一项`},
	{Key: "lookup.badids", EN: "%d identity numbers are not valid; nothing was looked up", ZH: "%d 个证件号码无效；本次未查询任何主体"},
	{Key: "secret.unavailable", EN: "the consortium secret is not available on this node", ZH: "本节点尚无联盟密钥"},

	{Key: "detail.idnumber", EN: "%s: %s", ZH: "%s：%s"},
	{Key: "detail.purpose", EN: "purpose must be one of [%s]", ZH: "用途必须是以下之一：%s"},
	{Key: "detail.toomany", EN: "at most %s subjects per lookup", ZH: "每次查询最多 %s 个主体"},

	{Key: "id.spaces", EN: "must not contain spaces", ZH: "不得包含空格"},
	{Key: "id.length", EN: "must be 18 characters (or 15 digits, the first-generation form), got %s", ZH: "应为 18 位（或第一代身份证的 15 位数字），实际为 %s 位"},
	{Key: "id.last", EN: "character 18 must be a digit or X", ZH: "第 18 位必须是数字或 X"},
	{Key: "id.digit", EN: "character %s must be a digit", ZH: "第 %s 位必须是数字"},
	{Key: "id.digit15", EN: "character %s must be a digit (a 15-character number is the first-generation form: 15 digits)", ZH: "第 %s 位必须是数字（15 位号码为第一代身份证，应全为数字）"},
	{Key: "id.region", EN: "unknown province-level region code (characters 1-2)", ZH: "省级行政区划代码（第 1-2 位）未知"},
	{Key: "id.date", EN: "characters 7-14 are not a real date (YYYYMMDD)", ZH: "第 7-14 位不是有效日期（YYYYMMDD）"},
	{Key: "id.date15", EN: "characters 7-12 are not a real date (YYMMDD, first-generation form)", ZH: "第 7-12 位不是有效日期（第一代身份证的 YYMMDD）"},
	{Key: "id.before1900", EN: "birth date (characters 7-14) is before 1900", ZH: "出生日期（第 7-14 位）早于 1900 年"},
	{Key: "id.future", EN: "birth date (characters 7-14) is in the future", ZH: "出生日期（第 7-14 位）晚于今天"},
	{Key: "id.check", EN: "check character does not match (expected position 18 to be the ISO 7064 MOD 11-2 check)", ZH: "校验码不符（第 18 位应为 ISO 7064 MOD 11-2 校验码）"},
	{Key: "id.country3", EN: "must start with a 3-letter ISO 3166-1 alpha-3 country code", ZH: "必须以 3 位 ISO 3166-1 alpha-3 国家代码开头"},
	{Key: "id.country", EN: "unknown ISO 3166-1 alpha-3 country code", ZH: "ISO 3166-1 alpha-3 国家代码未知"},
	{Key: "id.ppchars", EN: "number may contain only ASCII letters and digits", ZH: "号码只能包含 ASCII 字母和数字"},
	{Key: "id.ppshort", EN: "number must be at least %s characters, got %s", ZH: "号码至少 %s 位，实际为 %s 位"},
	{Key: "id.pplong", EN: "number must be at most %s characters, got %s", ZH: "号码至多 %s 位，实际为 %s 位"},
	{Key: "id.type", EN: "unknown id type (supported: %s)", ZH: "证件类型未知（支持：%s）"},

	{Key: "json.body", EN: "body: %s", ZH: "请求体：%s"},
	{Key: "json.type", EN: "field %q: expected %s, got %s", ZH: "字段 %q：应为%s，实际为%s"},
	{Key: "json.amounthint", EN: " (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)", ZH: "（金额以币种最小单位的整数表示：人民币 12,500.00 元应写为 1250000）"},
	{Key: "json.unknown", EN: "unknown field %q in %s; expected one of: %s", ZH: "%[2]s 中有未知字段 %[1]q；可用字段：%[3]s"},
	{Key: "json.unknown.top", EN: "unknown field %q; expected one of: %s", ZH: "未知字段 %q；可用字段：%s"},
	{Key: "json.duplicate", EN: "duplicate key %q", ZH: "键 %q 重复出现"},
	{Key: "json.trailing", EN: "unexpected data after the JSON value", ZH: "JSON 值之后还有多余内容"},
	{Key: "json.utf8", EN: "not valid UTF-8", ZH: "不是有效的 UTF-8 编码"},
	{Key: "json.syntax", EN: "%s", ZH: "JSON 格式错误（%s）"},
	{Key: "json.wrapperhint", EN: `; a payload goes inside {"attestation": {...}}, a signed one in {"jws": "..."}`, ZH: `；证明内容应放在 {"attestation": {...}} 中，已签名的放在 {"jws": "..."} 中`},
	{Key: "json.inrange", EN: " in range", ZH: "（且在取值范围内）"},
	{Key: "json.kind.a whole number", EN: "a whole number", ZH: "整数"},
	{Key: "json.kind.a whole number, 0 or more", EN: "a whole number, 0 or more", ZH: "非负整数"},
	{Key: "json.kind.a number", EN: "a number", ZH: "数字"},
	{Key: "json.kind.a string", EN: "a string", ZH: "字符串"},
	{Key: "json.kind.true or false", EN: "true or false", ZH: "true 或 false"},
	{Key: "json.kind.a list", EN: "a list", ZH: "数组"},
	{Key: "json.kind.an object", EN: "an object", ZH: "对象"},
	{Key: "json.kind.a base64 string", EN: "a base64 string", ZH: "base64 字符串"},
	{Key: "json.kind.a different value", EN: "a different value", ZH: "其他类型的值"},
}

func init() {
	l10n.Register(gatewayMessages...)
	for code, zh := range zhTitles {
		l10n.Register(l10n.Entry{Key: "problem.title." + code, EN: titles[code], ZH: zh})
	}
	for code, t := range about {
		l10n.Register(l10n.Entry{Key: "problem.about." + code, EN: t[0], ZH: t[1]})
	}
}
