package evidence

import (
	"fmt"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Languages of a transcript.
const (
	English = "en"
	Chinese = "zh"
)

// Text is a message of the transcript: a catalogue key and its arguments,
// rendered in either language.
type Text struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

func text(key string, args ...any) Text {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = fmt.Sprint(a)
	}
	return Text{Key: key, Args: s}
}

// In renders t in lang (English unless lang is Chinese).
func (t Text) In(lang string) string {
	m, ok := messages[t.Key]
	if !ok {
		return t.Key + " " + strings.Join(t.Args, " ")
	}
	f := m[0]
	if lang == Chinese {
		f = m[1]
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		args[i] = a
		if zh, ok := kindNames[a]; ok && lang == Chinese {
			args[i] = zh
		}
	}
	return fmt.Sprintf(f, args...)
}

// String is the English text.
func (t Text) String() string { return t.In(English) }

// Check is one step of a verification.
type Check struct {
	// Step is a stable name of the kind of check (e.g. "jws-signature").
	Step string `json:"step"`
	// What was checked, and Against which key, root or rule.
	What    Text `json:"what"`
	Against Text `json:"against"`
	OK      bool `json:"ok"`
	// Result says what was found: the failure when OK is false.
	Result Text `json:"result"`
}

// Transcript is every check of a verification, in the order made.
type Transcript struct {
	Checks []Check `json:"checks"`
}

// OK reports whether every check passed (and there was at least one).
func (t *Transcript) OK() bool {
	if len(t.Checks) == 0 {
		return false
	}
	for _, c := range t.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Render writes the transcript for people: one numbered paragraph per check.
func (t *Transcript) Render(lang string) string {
	var b strings.Builder
	pass, fail := "passed", "FAILED"
	if lang == Chinese {
		pass, fail = "通过", "未通过"
	}
	for i, c := range t.Checks {
		mark := pass
		if !c.OK {
			mark = fail
		}
		fmt.Fprintf(&b, "%3d. [%s] %s\n", i+1, mark, c.What.In(lang))
		if c.Against.Key != "" && c.Against.In(lang) != "" {
			fmt.Fprintf(&b, "     %s %s\n", map[bool]string{true: "对照：", false: "against:"}[lang == Chinese], c.Against.In(lang))
		}
		if c.Result.Key != "" {
			fmt.Fprintf(&b, "     %s %s\n", map[bool]string{true: "结果：", false: "result: "}[lang == Chinese], c.Result.In(lang))
		}
	}
	n := 0
	for _, c := range t.Checks {
		if !c.OK {
			n++
		}
	}
	if lang == Chinese {
		if n == 0 && len(t.Checks) > 0 {
			fmt.Fprintf(&b, "全部 %d 项检查通过。\n", len(t.Checks))
		} else {
			fmt.Fprintf(&b, "%d 项检查中有 %d 项未通过。\n", len(t.Checks), n)
		}
	} else if n == 0 && len(t.Checks) > 0 {
		fmt.Fprintf(&b, "All %d checks passed.\n", len(t.Checks))
	} else {
		fmt.Fprintf(&b, "%d of %d checks FAILED.\n", n, len(t.Checks))
	}
	return b.String()
}

// Failure is Verify's error: the first check that failed.
type Failure struct {
	Index int
	Check Check
}

func (f *Failure) Error() string { return f.In(English) }

// In renders the failure in lang.
func (f *Failure) In(lang string) string {
	if lang == Chinese {
		return fmt.Sprintf("第 %d 项检查未通过：%s：%s", f.Index+1, f.Check.What.In(lang), f.Check.Result.In(lang))
	}
	return fmt.Sprintf("check %d failed: %s: %s", f.Index+1, f.Check.What.In(lang), f.Check.Result.In(lang))
}

// kindNames are the record kinds in Chinese; an argument that is exactly
// a kind's name is shown so.
var kindNames = map[string]string{
	translog.KindDefault: "违约", translog.KindSettlement: "结清", translog.KindRevocation: "撤回",
	translog.KindDisputeOpened: "异议提出", translog.KindDisputeOutcome: "异议处理结果", translog.KindMember: "成员记录",
	translog.KindPolicy: "政策", translog.KindAssociation: "协会配置", translog.KindLogKey: "日志密钥", translog.KindPublication: "名单公布",
	// settlement kinds, dispute outcomes and reasons
	"full": "全额结清", "negotiated": "协商结清", "written-off": "核销",
	"upheld": "异议成立", "rejected": "异议驳回",
	"not-mine": "非本人", "amount-wrong": "金额有误", "already-paid": "已还清", "no-notice": "未获通知",
	"dates-wrong": "日期有误", "other": "其他",
}

// messages is the transcript's catalogue: {English, Chinese}. It lives here,
// not in the node's catalogue, because a court's verifier imports this
// package alone.
var messages = map[string][2]string{
	// what
	"w.format":            {"the bundle's format (%s)", "证据包格式（%s）"},
	"w.trust-root":        {"the trust root", "信任根"},
	"w.checkpoint":        {"the checkpoint: log %s, size %s, root %s", "检查点：日志 %s，大小 %s，根哈希 %s"},
	"w.cp-signature":      {"the checkpoint's signature by %s", "%s 对检查点的签名"},
	"w.cp-unknown":        {"the checkpoint's signature line by key %s", "检查点中密钥 %s 的签名行"},
	"w.quorum":            {"the number of organisations that signed the checkpoint", "签署检查点的机构数量"},
	"w.reporter-signed":   {"whether the reporter %s is among the checkpoint's signers", "报送机构 %s 是否在检查点签署方之中"},
	"w.cosigners":         {"the bundle's statement of who signed the checkpoint", "证据包中关于检查点签署方的说明"},
	"w.consistency":       {"that the log of size %s is a prefix of the checkpoint's log", "大小为 %s 的日志是检查点日志的前缀"},
	"w.inclusion":         {"record at log position %s (%s %s, ledger height %s)", "日志位置 %s 的记录（%s %s，账本高度 %s）"},
	"w.inclusion-fabric":  {"record at log position %s (%s %s, block %s, transaction %s)", "日志位置 %s 的记录（%s %s，区块 %s 第 %s 笔交易）"},
	"w.chain-first":       {"that the first record is the default %s itself", "第一条记录即为违约记录 %s 本身"},
	"w.chain-link":        {"that the record at log position %s directly follows the one at %s for %s", "日志位置 %s 的记录紧接在 %s 之后（%s）"},
	"w.completeness":      {"that no record about %s after log position %s was left out", "关于 %s 在日志位置 %s 之后没有遗漏的记录"},
	"w.key-chain-first":   {"that the reporter's member records begin with one that lists key %s", "报送机构的成员记录以登记密钥 %s 的那一版开始"},
	"w.jws":               {"the signature of %s %s (kid %s)", "%s %s 的签名（密钥 %s）"},
	"w.key-valid":         {"that key %s of %s was registered and not revoked at issuedAt %s", "%[2]s 的密钥 %[1]s 在签发时间 %[3]s 已登记且未被撤销"},
	"w.key-before":        {"that key %s was registered on the ledger before the record at log position %s", "密钥 %s 在日志位置 %s 的记录之前已在账本登记"},
	"w.trust-root-key":    {"that the trust root agrees about key %s of %s", "信任根对 %[2]s 的密钥 %[1]s 的记载一致"},
	"w.record-id":         {"that the record at log position %s is attestation %s as signed", "日志位置 %s 的记录即所签名的报送 %s"},
	"w.fabric-headers":    {"the chain of block headers %s to %s", "区块头链 %s 至 %s"},
	"w.fabric-data":       {"the transactions of block %s", "区块 %s 的交易数据"},
	"w.fabric-tx":         {"transaction %s in block %s, position %s", "区块 %[2]s 第 %[3]s 笔交易 %[1]s"},
	"w.fabric-creator":    {"the submitter's signature on transaction %s", "交易 %s 提交者的签名"},
	"w.fabric-endorser":   {"endorsement %s of transaction %s", "交易 %[2]s 的第 %[1]s 个背书"},
	"w.fabric-policy":     {"the endorsement policy for transaction %s", "交易 %s 的背书策略"},
	"w.fabric-write":      {"that transaction %s wrote the record's value under %s", "交易 %s 在 %s 下写入了该记录的值"},
	"w.orderer-signature": {"orderer signature %s on block %s", "区块 %[2]s 的第 %[1]s 个排序节点签名"},
	"w.orderer-policy":    {"the orderers' block validation policy for block %s", "区块 %s 的排序服务区块验证策略"},
	// against
	"a.media-type":     {"media type %s", "媒体类型 %s"},
	"a.trust-root":     {"trust root of %s (%s organisations, quorum %s)", "%s 的信任根（%s 个机构，法定数 %s）"},
	"a.log-key":        {"log key %s of %s in the trust root", "信任根中 %[2]s 的日志密钥 %[1]s"},
	"a.log-keys":       {"the trust root's log keys", "信任根中的日志密钥"},
	"a.quorum":         {"the trust root's quorum of %s", "信任根规定的法定数 %s"},
	"a.checkpoint":     {"the checkpoint's root at size %s", "检查点在大小 %s 时的根哈希"},
	"a.older-root":     {"the root %s of size %s, proven consistent with the checkpoint", "大小 %[2]s 的根哈希 %[1]s（已证明与检查点一致）"},
	"a.heads":          {"the checkpoint's chain heads (%s chains)", "检查点中的记录链末端承诺（%s 条链）"},
	"a.prev":           {"the record's link to its predecessor", "记录对前一条记录的链接"},
	"a.member-key":     {"key %s in %s's member record (log position %s)", "%[2]s 的成员记录（日志位置 %[3]s）中的密钥 %[1]s"},
	"a.trust-key":      {"the trust root's entry for key %s", "信任根中密钥 %s 的条目"},
	"a.jws-payload":    {"the SHA-256 of the signed payload", "所签名内容的 SHA-256"},
	"a.header-hash":    {"each header's hash in the next header", "每个区块头的哈希记录于下一区块头"},
	"a.data-hash":      {"the data hash in block %s's header", "区块 %s 区块头中的数据哈希"},
	"a.leaf-position":  {"the record's ledger position (tx %s)", "记录的账本位置（交易 %s）"},
	"a.msp":            {"the CA certificates of %s in the trust root", "信任根中 %s 的 CA 证书"},
	"a.policy":         {"%s: %s of %s", "%[1]s：%[3]s 中至少 %[2]s 个"},
	"a.leaf-value":     {"the record's key and value", "记录的键和值"},
	"a.orderer-msp":    {"the orderer organisations' CA certificates in the trust root", "信任根中排序服务机构的 CA 证书"},
	"a.orderer-policy": {"%s: at least %s of %s", "%[1]s：%[3]s 中至少 %[2]s 个"},
	"a.none":           {"", ""},
	// results
	"r.ok":                       {"valid", "有效"},
	"r.format-ok":                {"media type %s, %s mode, log %s", "媒体类型 %s，%s 模式，日志 %s"},
	"r.media-type":               {"media type %q, want %q", "媒体类型为 %q，应为 %q"},
	"r.mode":                     {"the bundle is from a %s ledger, the trust root is for a %s ledger", "证据包来自 %s 账本，信任根属于 %s 账本"},
	"r.origin":                   {"the checkpoint is of log %s, the trust root's log is %s", "检查点属于日志 %s，信任根的日志为 %s"},
	"r.error":                    {"%s", "%s"},
	"r.signed-valid":             {"valid (key %s)", "有效（密钥 %s）"},
	"r.bad-signature":            {"the signature by %s's log key %s does not verify: the checkpoint was altered or is not what %s signed", "%s 的日志密钥 %s 的签名验证失败：检查点被改动，或并非 %s 所签"},
	"r.unknown-key":              {"signed by key %s, which the trust root does not list: the bundle was altered, or the trust root is out of date", "由信任根未列出的密钥 %s 签署：证据包被改动，或信任根已过时"},
	"r.no-known-key":             {"no signature by a log key of the trust root (%s)", "没有信任根中任何日志密钥的签名（%s）"},
	"r.quorum-met":               {"%s organisations signed (%s), the quorum is %s", "%s 个机构签署（%s），法定数为 %s"},
	"r.quorum-short":             {"only %s organisation(s) signed (%s), the quorum is %s", "仅 %s 个机构签署（%s），法定数为 %s"},
	"r.reporter-in":              {"yes: the reporter cosigned, and %s other organisation(s) did too", "是：报送机构参与了签署，另有 %s 个其他机构签署"},
	"r.reporter-out":             {"no: the checkpoint rests only on organisations other than the reporter", "否：检查点仅由报送机构以外的机构签署"},
	"r.cosigners-differ":         {"the bundle says %s signed (reporter cosigned: %s), the signatures show %s", "证据包称由 %s 签署（报送机构参与签署：%s），签名显示为 %s"},
	"r.says-default":             {"%s states that the subject %s defaulted on loan %s: %s outstanding, overdue since %s (%s days past due), notified on %s; issued at %s", "%s 声明主体 %s 在贷款 %s 上违约：未结金额 %s，自 %s 起逾期（逾期 %s 天），于 %s 通知；签发时间 %s"},
	"r.says-settlement":          {"%s states the default was settled (%s) on %s, amount %s; issued at %s", "%s 声明该违约已结清（%s），结清日期 %s，金额 %s；签发时间 %s"},
	"r.says-revocation":          {"%s withdraws the default: %s; issued at %s", "%s 撤回该违约：%s；签发时间 %s"},
	"r.says-dispute":             {"a dispute opened by %s at %s, reason %s, answer due by %s", "%s 于 %s 提出异议，理由 %s，答复期限 %s"},
	"r.says-outcome":             {"the dispute was %s by %s at %s: %s", "该异议的处理结果为 %s，处理方 %s，时间 %s：%s"},
	"r.consistent":               {"consistent", "一致"},
	"r.included":                 {"included (proof of %s hashes)", "已包含（证明含 %s 个哈希）"},
	"r.not-included":             {"the inclusion proof does not lead to the root: the record, its position or the proof was altered", "包含证明不能导出根哈希：记录、其位置或证明被改动"},
	"r.no-older-root":            {"the proof is for tree size %s, for which the bundle gives no consistency proof", "证明针对大小 %s 的树，证据包未提供其一致性证明"},
	"r.bad-leaf":                 {"the record is not a valid log leaf: %s", "该记录不是有效的日志叶：%s"},
	"r.linked":                   {"linked", "链接完整"},
	"r.first":                    {"the first record is the default, with no predecessor", "第一条记录为违约记录，无前序记录"},
	"r.not-first":                {"the first record is %s %s with predecessor %s, not the default %s", "第一条记录为 %s %s（前序 %s），而非违约记录 %s"},
	"r.gap":                      {"its predecessor is log position %s, but the bundle's previous record is at %s: a record in between is missing", "其前序记录位于日志位置 %s，而证据包中上一条记录位于 %s：中间缺少记录"},
	"r.foreign":                  {"the record is about %s, not %s", "该记录涉及 %s，而非 %s"},
	"r.complete":                 {"the checkpoint says the last record about it is at log position %s, the bundle's last", "检查点表明相关的最后一条记录位于日志位置 %s，即证据包中的最后一条"},
	"r.incomplete":               {"the checkpoint says the last record about it is at log position %s, but the bundle ends at %s: later records were left out", "检查点表明相关的最后一条记录位于日志位置 %s，但证据包止于 %s：之后的记录被遗漏"},
	"r.head-other-chain":         {"the head proof is for %s", "该末端证明针对的是 %s"},
	"r.no-records":               {"the bundle has no records", "证据包中没有记录"},
	"r.key-listed":               {"key %s is listed, registered at %s", "密钥 %s 已登记，登记时间 %s"},
	"r.key-not-listed":           {"key %s is not in this member record", "该成员记录中没有密钥 %s"},
	"r.jws-valid":                {"valid ES256 signature by %s", "%s 的有效 ES256 签名"},
	"r.jws-invalid":              {"%s", "%s"},
	"r.key-unknown":              {"no member record of %s in the bundle lists key %s", "证据包中 %s 的成员记录均未登记密钥 %s"},
	"r.key-revoked":              {"key %s was revoked at %s, not after issuedAt %s", "密钥 %s 已于 %s 撤销，早于或等于签发时间 %s"},
	"r.key-later":                {"key %s was registered at %s, after issuedAt %s", "密钥 %s 的登记时间 %s 晚于签发时间 %s"},
	"r.key-valid":                {"registered at %s, %s", "登记于 %s，%s"},
	"r.not-revoked":              {"not revoked", "未撤销"},
	"r.revoked-later":            {"revoked later, at %s", "后于 %s 撤销"},
	"r.key-first-at":             {"first listed at log position %s", "首次登记于日志位置 %s"},
	"r.key-after":                {"the first member record listing the key is at log position %s, not before %s", "首个登记该密钥的成员记录位于日志位置 %s，不早于 %s"},
	"r.trust-agrees":             {"same public key, same revocation", "公钥一致，撤销状态一致"},
	"r.trust-not-listed":         {"the trust root does not list this key (newer than the trust root); the ledger's record is used", "信任根未列出该密钥（晚于信任根）；以账本记录为准"},
	"r.trust-other-key":          {"the trust root gives key %s another public key", "信任根中密钥 %s 的公钥不同"},
	"r.trust-other-registration": {"the trust root says key %s was registered at %s, the ledger says %s", "信任根记载密钥 %s 的登记时间为 %s，账本记载为 %s"},
	"r.trust-revoked":            {"the trust root says key %s was revoked at %s, not after issuedAt %s", "信任根记载密钥 %s 已于 %s 撤销，不晚于签发时间 %s"},
	"r.id-ok":                    {"the record's key, id and type match the signed attestation", "记录的键、编号和类型与所签名的报送一致"},
	"r.id-mismatch":              {"the record says %s, the signed attestation says %s", "记录为 %s，而所签名的报送为 %s"},
	"r.headers-ok":               {"%s consecutive headers, each naming the previous one's hash", "%s 个连续区块头，每个都记录了前一个的哈希"},
	"r.headers-broken":           {"header %s does not name the hash of header %s", "区块头 %s 未记录区块头 %s 的哈希"},
	"r.headers-missing":          {"no header for block %s in the bundle", "证据包中没有区块 %s 的区块头"},
	"r.data-ok":                  {"%s transactions, hash matches", "%s 笔交易，哈希一致"},
	"r.data-mismatch":            {"the transactions' hash is not the header's data hash: a transaction was altered", "交易数据的哈希与区块头中的数据哈希不符：交易被改动"},
	"r.tx-ok":                    {"transaction %s on channel %s", "通道 %s 上的交易 %s"},
	"r.tx-mismatch":              {"%s", "%s"},
	"r.creator-ok":               {"valid signature by %s (%s)", "%s（%s）的有效签名"},
	"r.endorser-ok":              {"valid signature by %s (%s)", "%s（%s）的有效签名"},
	"r.not-member":               {"the certificate of %s (%s) does not chain to %s's CA certificates in the trust root: %s", "%s（%s）的证书无法链接到信任根中 %s 的 CA 证书：%s"},
	"r.unknown-msp":              {"%s is not an organisation of the trust root", "%s 不是信任根中的机构"},
	"r.bad-fabric-sig":           {"the signature by %s does not verify", "%s 的签名验证失败"},
	"r.policy-met":               {"endorsed by %s", "由 %s 背书"},
	"r.policy-short":             {"endorsed by %s organisation(s) of the policy (%s), it needs %s", "仅有策略中 %s 个机构背书（%s），需要 %s 个"},
	"r.write-ok":                 {"written in namespace %s", "写入命名空间 %s"},
	"r.write-missing":            {"the transaction's writes in namespace %s do not include this key with this value", "该交易在命名空间 %s 中的写入不包含此键和值"},
	"r.fabric-missing":           {"the bundle has no Fabric blocks and transactions", "证据包中没有 Fabric 区块和交易"},
	"r.block-missing":            {"the bundle has no data for block %s", "证据包中没有区块 %s 的数据"},
	"r.tx-index-missing":         {"block %s has no transaction at position %s", "区块 %s 中没有位置 %s 的交易"},
	"r.orderer-ok":               {"valid signature by orderer %s (%s): the ordering service cut this block with this header", "排序节点 %s（%s）的有效签名：该区块及其区块头由排序服务生成"},
	"r.bad-orderer-sig":          {"the signature by orderer %s (%s) does not verify over block %s's header and metadata: the header or its metadata was altered after it was signed", "排序节点 %s（%s）对区块 %s 的区块头和元数据的签名验证失败：区块头或其元数据在签名后被改动"},
	"r.not-orderer-org":          {"%s is not an orderer organisation of the trust root", "%s 不是信任根中的排序服务机构"},
	"r.unknown-consenter":        {"the signature names consenter %s, which the trust root's block validation policy does not list", "该签名指向共识节点 %s，信任根的区块验证策略中没有该节点"},
	"r.orderer-sigs-missing":     {"the bundle has no orderer signatures for block %s", "证据包中没有区块 %s 的排序节点签名"},
	"r.orderer-policy-met":       {"block %s was signed by %s: the policy is met", "区块 %s 由 %s 签名：满足策略"},
	"r.orderer-policy-short":     {"block %s was signed by %s orderer(s) of the policy (%s), it needs %s", "区块 %s 仅有策略中 %s 个排序节点签名（%s），需要 %s 个"},
}
