package main

import "github.com/assoc-ledger/blacklist/internal/l10n"

// Help and messages of the publication commands (publication.go), added
// to helptexts.go's tables at start.

var publicationUsage = map[string]bilingual{
	"publication": {
		EN: `Usage: blctl publication SUBCOMMAND [flags]

The association's signed periodic publications of the blacklist to outside
credit agencies: each lists every listed subject key with its status as of
a ledger height, under a Merkle root, with the diff from the previous
publication; the association and member organisations sign it. An agency
fetches them with its API key (role agency) and checks them offline
against the trust root the association gave it; see docs/publications.md.

Subcommands:
%s
Examples:
  blctl publication get 7 --out pub-7.ndjson
  blctl publication verify pub-7.ndjson --previous pub-6.ndjson --trust-root trust-root.json

Run 'blctl publication SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl publication SUBCOMMAND [flags]

协会定期向外部征信机构签名发布的黑名单：每期列出截至某一账本高度的全部在册
主体密钥及其状态，附默克尔根以及与上一期相比的变更；由协会和成员机构签名。
征信机构以其 API 密钥（agency 角色）获取，并对照协会提供的信任根离线校验；
详见 docs/publications.md。

子命令：
%s
示例：
  blctl publication get 7 --out pub-7.ndjson
  blctl publication verify pub-7.ndjson --previous pub-6.ndjson --trust-root trust-root.json

运行 'blctl publication SUBCOMMAND --help' 查看其参数。
`,
	},
	"publication publish": {
		EN: `Usage: blctl publication publish

Makes the next publication now (POST /v1/publications) and prints it. For
the association's admin; publications are also made on the policy's
publicationSchedule.

Example:
  blctl publication publish
`,
		ZH: `用法：blctl publication publish

立即生成下一期发布（POST /v1/publications）并输出。仅限协会管理员；
发布也会按政策中的 publicationSchedule 定时生成。

示例：
  blctl publication publish
`,
	},
	"publication list": {
		EN: `Usage: blctl publication list [--limit N]

Lists the latest publications, newest first (GET /v1/publications): number,
ledger time and height, entries, added/changed/removed, digest. For
agencies and the association's admins.

Example:
  blctl publication list --limit 5
`,
		ZH: `用法：blctl publication list [--limit N]

列出最近的各期发布，最新的在前（GET /v1/publications）：期号、账本时间与高度、
条目数、新增/变更/移除数、摘要。供征信机构和协会管理员使用。

示例：
  blctl publication list --limit 5
`,
	},
	"publication get": {
		EN: `Usage: blctl publication get N --out FILE [--diff] [--since-checkpoint LAST]

Saves publication N (GET /v1/publications/N) to FILE as NDJSON: the header
and its signed note, then every entry, or with --diff the changes from
publication N-1. The file is written whole or not at all (the number of
lines must match the header). With --since-checkpoint, the consistency
proof from that checkpoint (the last one you saw) to the publication's
checkpoint (GET /v1/log/consistency) is written into the first line.
Check it with 'blctl publication verify'.

Examples:
  blctl publication get 7 --out pub-7.ndjson
  blctl publication get 8 --diff --out pub-8-diff.ndjson
`,
		ZH: `用法：blctl publication get N --out FILE [--diff] [--since-checkpoint LAST]

将第 N 期发布（GET /v1/publications/N）以 NDJSON 保存到 FILE：首行为头部及其
签名，随后为全部条目；加 --diff 则为相对第 N-1 期的变更。文件要么完整写入，
要么不写（行数须与头部一致）。加 --since-checkpoint 时，从该检查点（您上次
见到的）到本期检查点的一致性证明（GET /v1/log/consistency）写入首行。
请用 'blctl publication verify' 校验。

示例：
  blctl publication get 7 --out pub-7.ndjson
  blctl publication get 8 --diff --out pub-8-diff.ndjson
`,
	},
	"publication verify": {
		EN: `Usage: blctl publication verify FILE [--previous FILE] --trust-root FILE [--last-checkpoint LAST]

Checks a saved publication offline: the signatures on its header against
the trust root's log keys (the association's among them) and the quorum;
a full publication's entries give the header's root; a diff (--diff file)
applied to the previous publication's full file (--previous) gives the root,
the counts and the signed diff digest; with --previous, the header names
the previous publication's digest; with --last-checkpoint, that the
publication's checkpoint extends that one (both signed by the quorum, and
the consistency proof the file carries). Exit 1 on the first check that
fails.

Examples:
  blctl publication verify pub-7.ndjson --trust-root trust-root.json
  blctl publication verify pub-8-diff.ndjson --previous pub-7.ndjson --trust-root trust-root.json
  blctl --lang zh publication verify pub-7.ndjson --trust-root trust-root.json
`,
		ZH: `用法：blctl publication verify FILE [--previous FILE] --trust-root FILE [--last-checkpoint LAST]

离线校验已保存的发布：对照信任根中的日志密钥（须含协会的）校验头部签名及
法定数；完整发布的条目须得出头部所载的根；变更文件（--diff 获取）应用于上一期
的完整文件（--previous）后须得出该根、各项计数及已签名的变更摘要；给出
--previous 时，头部须载有上一期的摘要；给出 --last-checkpoint 时，本期检查点
须延续该检查点（两者均经法定数签名，并核对文件所附的一致性证明）。任一项
失败即以退出码 1 结束。

示例：
  blctl publication verify pub-7.ndjson --trust-root trust-root.json
  blctl publication verify pub-8-diff.ndjson --previous pub-7.ndjson --trust-root trust-root.json
  blctl --lang zh publication verify pub-7.ndjson --trust-root trust-root.json
`,
	},
}

var publicationSummaries = map[string]bilingual{
	"publication":         {"the signed publications of the blacklist to credit agencies", "向征信机构签名发布的黑名单"},
	"publication publish": {"make the next publication now (the association)", "立即生成下一期发布（协会）"},
	"publication list":    {"list the latest publications", "列出最近的各期发布"},
	"publication get":     {"save one publication, full or as a diff", "保存一期发布（完整或变更）"},
	"publication verify":  {"check a saved publication offline", "离线校验已保存的发布"},
}

var publicationFlags = map[string]bilingual{
	"publication list --limit":             {"at most this many (1 to 1000)", "最多列出的期数（1 至 1000）"},
	"publication get --out":                {"file to write the publication to", "写入发布的文件"},
	"publication get --diff":               {"the changes from the previous publication instead of every entry", "获取相对上一期的变更，而非全部条目"},
	"publication verify --previous":        {"the previous publication's full file", "上一期发布的完整文件"},
	"publication verify --trust-root":      {"the trust root from the association", "协会提供的信任根"},
	"publication get --since-checkpoint":   {"the last checkpoint you saw (a signed note): embed the consistency proof from it to the publication's checkpoint", "您上次见到的检查点（签名记录）：嵌入从它到本期检查点的一致性证明"},
	"publication verify --last-checkpoint": {"the last checkpoint you saw: check the publication's checkpoint extends it (needs a file fetched with --since-checkpoint)", "您上次见到的检查点：校验本期检查点是其延续（文件须以 --since-checkpoint 获取）"},
}

var publicationMessages = []l10n.Entry{
	{Key: "cli.publication.step.since", EN: "extends the last checkpoint you saw", ZH: "延续您上次见到的检查点"},
	{Key: "cli.publication.lastbad", EN: "%s is not a checkpoint: %v", ZH: "%s 不是检查点：%v"},
	{Key: "cli.publication.nolog", EN: "publication %d comes with no checkpoint of the log yet (none cosigned by a quorum covers it): try again later", ZH: "第 %d 期发布尚无日志检查点（尚无法定数共同签名的检查点涵盖它）：请稍后再试"},
	{Key: "cli.publication.noargs", EN: "this command takes no arguments", ZH: "此命令不接受参数"},
	{Key: "cli.publication.onenumber", EN: "give exactly one publication number", ZH: "请给出且仅给出一个期号"},
	{Key: "cli.publication.badnumber", EN: "%q is not a publication number (1, 2, …)", ZH: "%q 不是期号（1、2、……）"},
	{Key: "cli.publication.onefile", EN: "give exactly one publication file", ZH: "请给出且仅给出一个发布文件"},
	{Key: "cli.publication.row", EN: "#%d  as of %s (height %d)  %d entries  +%d ~%d -%d  digest %s", ZH: "第 %d 期  截至 %s（高度 %d）  %d 条  新增 %d 变更 %d 移除 %d  摘要 %s"},
	{Key: "cli.publication.cut", EN: "the download has %d lines after the header, the header says %d: it was cut", ZH: "下载内容在头部之后有 %d 行，头部载明 %d 行：下载不完整"},
	{Key: "cli.publication.broke", EN: "the download broke off after %d lines: %v", ZH: "下载在 %d 行后中断：%v"},
	{Key: "cli.publication.got", EN: "wrote %s: publication %d (%s), %d lines, root %s", ZH: "已写入 %s：第 %d 期（%s），%d 行，根 %s"},
	{Key: "cli.publication.ok", EN: "[ok]", ZH: "[通过]"},
	{Key: "cli.publication.bad", EN: "[FAILED]", ZH: "[失败]"},
	{Key: "cli.publication.step.signatures", EN: "signatures", ZH: "签名"},
	{Key: "cli.publication.step.quorum", EN: "quorum of organisations", ZH: "机构法定数"},
	{Key: "cli.publication.step.origin", EN: "ledger (origin)", ZH: "账本（来源）"},
	{Key: "cli.publication.step.previous", EN: "link to the previous publication", ZH: "与上一期的链接"},
	{Key: "cli.publication.step.entries", EN: "entries give the signed root", ZH: "条目得出已签名的根"},
	{Key: "cli.publication.step.log", EN: "recorded in the ledger's transparency log", ZH: "已记入账本透明日志"},
	{Key: "cli.publication.step.diff", EN: "diff applied to the previous gives the signed root", ZH: "变更应用于上一期后得出已签名的根"},
	{Key: "cli.publication.verified", EN: "publication %d (ledger height %d, %d entries, root %s): verified", ZH: "第 %d 期发布（账本高度 %d，%d 条，根 %s）：校验通过"},
	{Key: "cli.publication.failed", EN: "%s does not verify: %v", ZH: "%s 未通过校验：%v"},
}

func init() {
	for k, v := range publicationUsage {
		usageTexts[k] = v
	}
	for k, v := range publicationSummaries {
		summaryTexts[k] = v
	}
	for k, v := range publicationFlags {
		flagTexts[k] = v
	}
	l10n.Register(publicationMessages...)
}

var witnessUsage = map[string]bilingual{
	"witness": {
		EN: `Usage: blctl witness SUBCOMMAND [flags]

A transparency-log witness, as an outside credit agency runs it: it cosigns
checkpoints of the ledger's log (C2SP tlog-witness, tlog-cosignature) only
when they are signed by the trust root's quorum and consistent with the last
one it cosigned, and keeps any contradicting pair as a proof of a fork.

Subcommands:
%s
Examples:
  blctl witness keygen --name agency-x-witness --out witness.key
  blctl witness serve --trust-root trust-root.json --key witness.key --state ./witness-state
`,
		ZH: `用法：blctl witness SUBCOMMAND [flags]

征信机构运行的透明日志见证者：仅当账本日志的检查点由信任根规定的法定数量
机构签署、且与其上次共同签署的检查点一致时，才予以共同签署（C2SP
tlog-witness、tlog-cosignature）；遇到相互矛盾的一对检查点则保留为分叉证据。

子命令：
%s
示例：
  blctl witness keygen --name agency-x-witness --out witness.key
  blctl witness serve --trust-root trust-root.json --key witness.key --state ./witness-state
`,
	},
	"witness keygen": {
		EN: `Usage: blctl witness keygen --name NAME --out FILE

Makes a witness key named NAME: the secret signer key goes to FILE (mode
0600, never overwritten), the cosignature/v1 verifier key to stdout, to give
to whoever checks the witness's cosignatures.

Example:
  blctl witness keygen --name agency-x-witness --out witness.key
`,
		ZH: `用法：blctl witness keygen --name NAME --out FILE

生成名为 NAME 的见证者密钥：私有签名密钥写入 FILE（权限 0600，不覆盖已有文件），
cosignature/v1 验证密钥输出到 stdout，交给校验见证签名的一方。

示例：
  blctl witness keygen --name agency-x-witness --out witness.key
`,
	},
	"witness serve": {
		EN: `Usage: blctl witness serve --trust-root FILE --key FILE --state DIR [--listen ADDR]

Serves POST /add-checkpoint (C2SP tlog-witness) on ADDR (default
127.0.0.1:7380) until interrupted. A checkpoint is cosigned only if the
trust root's quorum of organisations signed it for the trust root's origin
and the consistency proof from the size the witness saw last holds; the
state in DIR is written before the answer. 409 with the witness's size for
a stale old size; a checkpoint that contradicts the one cosigned is refused
and kept in DIR as fork-*.json, with the one it contradicts.

Example:
  blctl witness serve --trust-root trust-root.json --key witness.key --state ./witness-state
`,
		ZH: `用法：blctl witness serve --trust-root FILE --key FILE --state DIR [--listen ADDR]

在 ADDR（默认 127.0.0.1:7380）上提供 POST /add-checkpoint（C2SP tlog-witness），
直至被中断。仅当检查点由信任根规定的法定数量机构针对信任根所载来源签署，且自
见证者上次所见大小起的一致性证明成立时才共同签署；应答前先写入 DIR 中的状态。
旧大小过期时返回 409 及见证者所见大小；与已签署检查点矛盾的检查点被拒绝，并与
其所矛盾的检查点一起保存在 DIR 的 fork-*.json 中。

示例：
  blctl witness serve --trust-root trust-root.json --key witness.key --state ./witness-state
`,
	},
}

var witnessSummaries = map[string]bilingual{
	"witness":        {"a transparency-log witness an agency runs", "征信机构运行的透明日志见证者"},
	"witness keygen": {"make a witness key", "生成见证者密钥"},
	"witness serve":  {"serve C2SP add-checkpoint", "提供 C2SP add-checkpoint 服务"},
}

var witnessFlags = map[string]bilingual{
	"witness keygen --name":      {"the witness's key name", "见证者密钥名称"},
	"witness keygen --out":       {"file for the secret signer key", "存放私有签名密钥的文件"},
	"witness serve --trust-root": {"the trust root from the association", "协会提供的信任根"},
	"witness serve --key":        {"the witness's signer key file", "见证者签名密钥文件"},
	"witness serve --state":      {"directory of the witness's state and kept forks", "见证者状态及分叉证据的目录"},
	"witness serve --listen":     {"address to listen on", "监听地址"},
}

var witnessMessages = []l10n.Entry{
	{Key: "cli.witness.key", EN: "wrote the signer key to %s; the verifier key is above", ZH: "签名密钥已写入 %s；验证密钥见上"},
	{Key: "cli.witness.serving", EN: "witness %s for %s listening on %s", ZH: "见证者 %s（日志 %s）正在 %s 监听"},
}

func init() {
	for k, v := range witnessUsage {
		usageTexts[k] = v
	}
	for k, v := range witnessSummaries {
		summaryTexts[k] = v
	}
	for k, v := range witnessFlags {
		flagTexts[k] = v
	}
	l10n.Register(witnessMessages...)
}
