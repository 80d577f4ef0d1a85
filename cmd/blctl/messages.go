package main

import "github.com/assoc-ledger/blacklist/internal/l10n"

// blctl's messages in the l10n catalogue (decision 0015; see lang.go).

// labels are table headers and row labels, keyed by their English text.
var labels = map[string]string{
	"ACTIVE DEFAULTS": "有效违约", "ACTIVE KEYS": "有效密钥", "ADDED": "加入时间", "ATTESTATION": "证明",
	"CLIENT": "客户端", "DUE BY": "答复期限", "ERROR": "错误", "ID": "编号", "INPUT": "输入",
	"KID": "密钥编号", "KIND": "类型", "LABEL": "标签", "LEGAL NAME": "机构名称", "LINE": "行",
	"LISTED": "是否列入", "MEMBER": "成员", "MSP": "MSP", "OPENED": "提出时间", "OUTCOME": "结果",
	"OUTSTANDING": "未结金额", "PURPOSE": "用途", "REASON": "理由", "REGISTERED": "登记时间",
	"REPORTER": "报送机构", "REPORTERS": "报送机构", "REVOKED": "吊销时间", "ROLES": "角色",
	"SEQ": "序号", "STATE": "状态", "STATUS": "状态", "SUBJECT": "主体", "THUMBPRINT": "指纹",
	"TIME": "时间", "DETAIL": "详情",

	"...": "……", "accepted": "已接受", "added": "已加入", "admitted": "入会时间",
	"already listed": "已列入", "answered late": "逾期答复", "as of height": "账本高度",
	"association": "协会", "attestation": "证明", "closed by": "关闭依据", "consecutive failures": "连续失败次数",
	"credit code": "统一社会信用代码", "daily derivations per member": "每成员每日号码转换额度",
	"daily lookups per member": "每成员每日查询额度", "delivered up to": "已送达至", "deliveries": "送达次数",
	"dispute answer days": "异议答复天数", "due by": "答复期限", "duplicate": "重复", "failing": "发送失败",
	"failures": "失败次数", "held": "暂停", "id": "编号", "imported": "已导入", "issued": "签发时间",
	"kid": "密钥编号", "label": "标签", "last error": "最近错误", "last success": "最近成功",
	"legal name": "机构名称", "lines": "行数", "member": "成员", "min amount": "最低金额",
	"min days past due": "最低逾期天数", "not listed": "未列入", "note": "备注", "opened by": "提出方",
	"opened": "提出时间", "pending": "待发送", "reason": "理由", "recorded": "记账时间", "rejected": "已拒绝",
	"reporter": "报送机构", "resolved by": "处理方", "resolved": "处理时间", "retention years": "保留年限",
	"roles": "角色", "skipped": "已跳过", "state": "状态", "statement digest": "陈述摘要",
	"status changed": "状态变更时间", "status reason": "状态原因", "status": "状态", "subject": "主体",
	"tx": "交易", "type": "类型", "updated": "更新时间", "url": "URL",
}

// notes are fixed texts in a table's value or note columns.
var notes = map[string]string{
	"yes": "是", "no": "否",
	"the member is not active; alerts wait": "该成员未处于正常状态；预警暂缓发送",
	"watched already; label replaced":       "已在监控中；标签已更新",
	"see 'blctl alerts'":                    "见 'blctl alerts'",
	"alert id":                              "预警编号",
	"since the node started":                "自节点启动以来",
	"failure class":                         "失败类别",
	"defaults recorded below the policy's listing threshold: they list nobody": "低于政策列入门槛的违约已记录，但不会使任何人被列入",
}

var cliMessages = []l10n.Entry{
	{Key: "cli.unknown.command", EN: "unknown command %q%s", ZH: "未知命令 %q%s"},
	{Key: "cli.unknown.subcommand", EN: "unknown subcommand %q%s", ZH: "未知子命令 %q%s"},
	{Key: "cli.help.flags", EN: "Flags:", ZH: "参数："},
	{Key: "cli.help.default", EN: " (default %s)", ZH: "（默认 %s）"},
	{Key: "cli.didyoumean", EN: " (did you mean %q?)", ZH: "（您是否想输入 %q？）"},
	{Key: "cli.run.help", EN: "Run 'blctl --help' for the list of commands.", ZH: "运行 'blctl --help' 查看命令列表。"},
	{Key: "cli.run.cmdhelp", EN: "Run 'blctl %s --help' for usage.", ZH: "运行 'blctl %s --help' 查看用法。"},
	{Key: "cli.flag.unknown", EN: "unknown flag --%s", ZH: "未知参数 --%s"},
	{Key: "cli.flag.didyoumean", EN: " (did you mean --%s?)", ZH: "（您是否想输入 --%s？）"},
	{Key: "cli.flag.seehelp", EN: " (the flags of %s are listed by 'blctl %s --help')", ZH: "（%s 的参数见 'blctl %s --help'）"},
	{Key: "cli.flag.needsvalue", EN: "--%s needs a value", ZH: "--%s 需要一个值"},
	{Key: "cli.flag.badvalue", EN: "--%s: %s is not a valid value", ZH: "--%s：%s 不是有效的值"},
	{Key: "cli.flag.why", EN: " (%s)", ZH: "（%s）"},
	{Key: "cli.flag.required", EN: "--%s is required (%s)", ZH: "缺少必需参数 --%s（%s）"},
	{Key: "cli.flag.requiredbare", EN: "--%s is required", ZH: "缺少必需参数 --%s"},
	{Key: "cli.problem.type", EN: "  type:   %s", ZH: "  类型：%s"},
	{Key: "cli.problem.detail", EN: "  detail: %s", ZH: "  详情：%s"},
	{Key: "cli.problem.instance", EN: "  instance: %s", ZH: "  请求编号：%s"},
	{Key: "cli.problem.item", EN: "  item %d: %s: %s", ZH: "  第 %d 项：%s：%s"},
	{Key: "cli.hint.apikey", EN: "  hint: no API key given; set BLACKLIST_API_KEY or --api-key", ZH: "  提示：未提供 API 密钥；请设置 BLACKLIST_API_KEY 或使用 --api-key"},
	{Key: "cli.submit.rejected", EN: "blctl submit: line %d rejected: %s: %s", ZH: "blctl submit：第 %d 行被拒绝：%s：%s"},
	{Key: "cli.submit.morerejected", EN: "blctl submit: ... and %d more rejected lines, all in %s", ZH: "blctl submit：……另有 %d 行被拒绝，全部记录在 %s"},
	{Key: "cli.submit.notlisted", EN: "blctl submit: line %d: default %s recorded but not listed: %s", ZH: "blctl submit：第 %d 行：违约 %s 已记录，但未列入：%s"},
	{Key: "cli.submit.morenotlisted", EN: "blctl submit: ... and %d more defaults not listed (--output json lists them all)", ZH: "blctl submit：……另有 %d 条违约未列入（--output json 列出全部）"},
	{Key: "cli.submit.see", EN: "see %s", ZH: "见 %s"},
	{Key: "cli.submit.earlier", EN: "done in an earlier run (per %s)", ZH: "已在之前的运行中完成（据 %s）"},
	{Key: "cli.submit.stopped", EN: "blctl submit: stopped; the state is saved in %s: rerun the same command to resume", ZH: "blctl submit：已中止；进度保存在 %s，重新运行同一命令即可继续"},
	{Key: "cli.threshold.days", EN: "daysPastDue below the policy's minimum %d", ZH: "逾期天数低于政策最低值 %d 天"},
	{Key: "cli.threshold.amount", EN: "amount below the policy's minimum %s", ZH: "金额低于政策最低值 %s"},
	{Key: "cli.threshold.and", EN: " and ", ZH: "，且"},
	{Key: "cli.threshold.below", EN: "below the listing threshold", ZH: "低于列入门槛"},
	{Key: "cli.kind.attestation", EN: "attestation id", ZH: "证明编号"},
	{Key: "cli.kind.dispute", EN: "dispute id", ZH: "异议编号"},
	{Key: "cli.kind.subject", EN: "subject key", ZH: "主体密钥"},
	{Key: "cli.prefix.none", EN: "no %s known to this client starts with %s (prefixes are matched against your disputes, alerts and watchlist): give the whole id",
		ZH: "在您可见的异议、预警和监控名单中，没有以 %[2]s 开头的%[1]s；请给出完整编号"},
	{Key: "cli.prefix.ambiguous", EN: "%s prefix %s is ambiguous; it matches:\n  %s", ZH: "%s前缀 %s 不唯一，匹配到：\n  %s"},
	{Key: "cli.lookup.idtype", EN: "--id-type must be one of %s, got %q", ZH: "--id-type 必须是 %s 之一，实际为 %q"},
	{Key: "cli.lookup.oneof", EN: "give subject keys or identity numbers as arguments, or --file, or --id-number: one of the three",
		ZH: "请以参数给出主体密钥或证件号码，或使用 --file，或使用 --id-number：三者选其一"},
	{Key: "cli.lookup.needstype", EN: "--id-number needs --id-type (%s)", ZH: "--id-number 需要同时给出 --id-type（%s）"},
	{Key: "cli.lookup.argument", EN: "argument %d: %s", ZH: "第 %d 个参数：%s"},
	{Key: "cli.lookup.line", EN: "%s, line %d: %s", ZH: "%s 第 %d 行：%s"},
	{Key: "cli.lookup.neither", EN: "neither a subject key nor a resident identity number (for a passport number give --id-type passport)", ZH: "既不是主体密钥，也不是居民身份证号码（护照号码请加 --id-type passport）"},
	// evidence (issue 13)
	{Key: "cli.evidence.onefile", EN: "give exactly one bundle file (or - for stdin)", ZH: "请给出且仅给出一个证据包文件（或用 - 表示 stdin）"},
	{Key: "cli.evidence.unreadable", EN: "%s is not a readable document: %v", ZH: "%s 不是可读取的文件：%v"},
	{Key: "cli.evidence.failed", EN: "%s does NOT verify: %s", ZH: "%s 未通过校验：%s"},
}

func init() {
	l10n.Register(cliMessages...)
	for en, zh := range labels {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
	for en, zh := range notes {
		l10n.Register(l10n.Entry{Key: "cli.note." + en, EN: en, ZH: zh})
	}
}
