package main

import "github.com/assoc-ledger/blacklist/internal/l10n"

// Help and messages of the evidence commands that talk to a node
// (evidencenode.go), kept beside helptexts.go's tables and added to them
// at start.

var evidenceNodeUsage = map[string]bilingual{
	"evidence get": {
		EN: `Usage: blctl evidence get ATTESTATION-ID --out FILE

Fetches the evidence bundle of one default (GET /v1/evidence/ID?purpose=litigation)
and writes it to FILE (- for stdout), whole or not at all. The bundle is
assembled against the latest checkpoint a quorum of organisations cosigned;
check it with 'blctl evidence verify'. For the default's reporter and the
association; every fetch is recorded in the query audit log (purpose
litigation). Exit 1 if the default is another member's, is not yet covered
by a cosigned checkpoint (retry after the next cosigning round), or does
not exist.

Example:
  blctl evidence get 3f1c9a0d5b7e2c4a6f8091b3d5e7f9a1c3e5b7d9f1a3c5e7091b2d4f6a8c0e2b --out bundle.json
`,
		ZH: `用法：blctl evidence get ATTESTATION-ID --out FILE

获取一笔违约的证据包（GET /v1/evidence/ID?purpose=litigation），完整写入
FILE（- 表示 stdout），不会留下不完整的文件。证据包依据法定数量机构共同
签署的最新检查点生成；请用 'blctl evidence verify' 校验。仅限该违约的报送
机构和协会；每次获取都以 litigation 目的记入查询审计日志。若违约属于其他
成员、尚未被共同签署的检查点覆盖（请在下一轮签署后重试）或不存在，退出码为 1。

示例：
  blctl evidence get 3f1c9a0d5b7e2c4a6f8091b3d5e7f9a1c3e5b7d9f1a3c5e7091b2d4f6a8c0e2b --out bundle.json
`,
	},
	"evidence export": {
		EN: `Usage: blctl evidence export (--loans FILE | --older-than DAYS) --out DIR

Batch litigation export: one evidence bundle per loan in DIR
(evidence-<attestation id>.json) and a manifest (manifest.csv and
manifest.json: loan reference digest, subject key, amount, days past due,
bundle file and its SHA-256). --loans FILE lists loan references, one a line
(64 hex characters are the loanRef as filed; anything else is hashed with
SHA-256 first); --older-than DAYS exports every active default your member
recorded more than DAYS days ago. Progress goes to stderr. Resumable: a
bundle already whole in DIR is not fetched again, so run it again after an
interruption. Exit 1 if a loan has no default or a bundle could not be
fetched (the others are written).

Examples:
  blctl evidence export --loans court-batch.txt --out ./batch-2026-03
  blctl evidence export --older-than 180 --out ./batch-2026-03
`,
		ZH: `用法：blctl evidence export (--loans FILE | --older-than DAYS) --out DIR

批量诉讼导出：在 DIR 中为每笔贷款写一个证据包（evidence-<attestation id>.json），
并写出清单（manifest.csv 与 manifest.json：贷款编号摘要、主体密钥、金额、
逾期天数、证据包文件及其 SHA-256）。--loans FILE 每行一个贷款编号（64 个
十六进制字符视为报送时的 loanRef；其他内容先做 SHA-256）；--older-than DAYS
导出本成员在 DAYS 天以前登记且仍有效的全部违约。进度输出到 stderr。可续传：
DIR 中已完整的证据包不会重复获取，中断后再次运行即可。若某笔贷款没有违约
记录或某个证据包获取失败（其余照常写出），退出码为 1。

示例：
  blctl evidence export --loans court-batch.txt --out ./batch-2026-03
  blctl evidence export --older-than 180 --out ./batch-2026-03
`,
	},
	"log": {
		EN: `Usage: blctl log SUBCOMMAND [flags]

The ledger's transparency log: every node builds the same Merkle log of the
ledger's records, and organisations cosign its checkpoints on the ledger.

Subcommands:
%s
Example:
  blctl log checkpoint
`,
		ZH: `用法：blctl log SUBCOMMAND [flags]

账本的透明日志：每个节点都对账本记录构建相同的默克尔日志，各机构在账本上
共同签署其检查点。

子命令：
%s
示例：
  blctl log checkpoint
`,
	},
	"log checkpoint": {
		EN: `Usage: blctl log checkpoint [--out FILE]

Prints the latest checkpoint of the transparency log that a quorum of
organisations cosigned (GET /v1/log/checkpoint): a C2SP signed note, the
origin, size, root hash and chain heads, then one signature line per
organisation. --out writes it to FILE instead. Exit 1 if no checkpoint has a
quorum yet.

Example:
  blctl log checkpoint --out checkpoint.txt
`,
		ZH: `用法：blctl log checkpoint [--out FILE]

输出法定数量机构共同签署的透明日志最新检查点（GET /v1/log/checkpoint）：
C2SP 签名文本，包括来源、大小、根哈希和链头，随后每个机构一行签名。
--out 改为写入 FILE。若尚无达到法定数的检查点，退出码为 1。

示例：
  blctl log checkpoint --out checkpoint.txt
`,
	},
	"trust-root": {
		EN: `Usage: blctl trust-root --out FILE

Writes the trust root a verifier of evidence bundles holds (GET /v1/trust-root):
the organisations with their log keys and signing keys (revoked ones with
the time of revocation), the quorum of organisations a checkpoint needs,
and in fabric mode the channel's MSP root certificates and endorsement
policy. A court obtains it once, out of band, from the association.

Example:
  blctl trust-root --out trust-root.json
`,
		ZH: `用法：blctl trust-root --out FILE

写出校验证据包所需的信任根（GET /v1/trust-root）：各机构及其日志密钥和签名
密钥（已撤销的附撤销时间）、检查点所需的机构法定数，fabric 模式下还有通道
的 MSP 根证书和背书策略。法院通过协会以带外方式一次性取得。

示例：
  blctl trust-root --out trust-root.json
`,
	},
}

var evidenceNodeSummaries = map[string]bilingual{
	"evidence get":    {"fetch one default's evidence bundle", "获取一笔违约的证据包"},
	"evidence export": {"export bundles for a batch of loans, with a manifest", "为一批贷款导出证据包及清单"},
	"log":             {"the transparency log's cosigned checkpoint", "透明日志共同签署的检查点"},
	"log checkpoint":  {"print the latest checkpoint a quorum cosigned", "输出法定数量机构共同签署的最新检查点"},
	"trust-root":      {"write the trust root evidence is verified with", "写出校验证据所用的信任根"},
}

var evidenceNodeFlags = map[string]bilingual{
	"evidence get --out":           {"file to write the bundle to (- for stdout)", "写入证据包的文件（- 表示 stdout）"},
	"evidence export --loans":      {"file of loan references, one a line", "贷款编号文件，每行一个"},
	"evidence export --older-than": {"instead of --loans: every active default recorded more than this many days ago", "代替 --loans：登记超过此天数且仍有效的全部违约"},
	"evidence export --out":        {"directory for the bundles and the manifest", "存放证据包和清单的目录"},
	"log checkpoint --out":         {"file to write the checkpoint to", "写入检查点的文件"},
	"trust-root --out":             {"file to write the trust root to (- for stdout)", "写入信任根的文件（- 表示 stdout）"},
	"policy set --log-quorum":      {"organisations that must cosign a transparency-log checkpoint (0: a majority of the active ones)", "透明日志检查点须共同签署的机构数（0：有效机构的多数）"},
}

var evidenceNodeMessages = []l10n.Entry{
	{Key: "cli.evidence.oneid", EN: "give exactly one attestation id (the default's)", ZH: "请给出且仅给出一个证明编号（违约的编号）"},
	{Key: "cli.evidence.badid", EN: "%q is not an attestation id (64 lower-case hex characters)", ZH: "%q 不是证明编号（64 个小写十六进制字符）"},
	{Key: "cli.evidence.got", EN: "wrote %s: %d records, checkpoint cosigned by %s", ZH: "已写入 %s：%d 条记录，检查点由 %s 共同签署"},
	{Key: "cli.evidence.loansor", EN: "give --loans FILE or --older-than DAYS, one of the two", ZH: "请给出 --loans FILE 或 --older-than DAYS，二者选其一"},
	{Key: "cli.evidence.missing", EN: "loan %s (digest %s): no default of your member on the ledger", ZH: "贷款 %s（摘要 %s）：账本上没有本成员的违约记录"},
	{Key: "cli.evidence.skipped", EN: "already complete, skipped", ZH: "已完整，跳过"},
	{Key: "cli.evidence.written", EN: "written", ZH: "已写入"},
	{Key: "cli.evidence.exported", EN: "%d bundles in %s with manifest.csv and manifest.json; %d failed, %d loans without a default", ZH: "%d 个证据包及 manifest.csv、manifest.json 已在 %s；%d 个失败，%d 笔贷款没有违约记录"},
	{Key: "cli.policy.quorum.majority", EN: "a majority of the active organisations", ZH: "有效机构的多数"},
	{Key: "cli.policy.quorum.n", EN: "%s organisations", ZH: "%s 个机构"},
	{Key: "cli.trustroot.wrote", EN: "wrote %s: %d organisations, quorum %d", ZH: "已写入 %s：%d 个机构，法定数 %d"},
}

func init() {
	for k, v := range evidenceNodeUsage {
		usageTexts[k] = v
	}
	for k, v := range evidenceNodeSummaries {
		summaryTexts[k] = v
	}
	for k, v := range evidenceNodeFlags {
		flagTexts[k] = v
	}
	l10n.Register(evidenceNodeMessages...)
	l10n.Register(l10n.Entry{Key: "cli.label.log checkpoint quorum", EN: "log checkpoint quorum", ZH: "日志检查点法定数"})
}
