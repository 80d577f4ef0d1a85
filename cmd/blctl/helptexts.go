// blctl's help in English and Simplified Chinese, each text once (see help.go).

package main

// usageTexts are the commands' --help texts, by command path ("" is blctl).
var usageTexts = map[string]bilingual{
	"": {
		EN: `blctl is the command-line client of a blacklist ledger node's HTTP API.

Usage:
  blctl [global flags] COMMAND [flags] [args]
  blctl COMMAND --help

Commands:
%s
Global flags (before or after COMMAND):
  --server URL      node API base URL (env BLACKLIST_SERVER, default ` + defaultServer + `)
  --api-key KEY     API key, sent as a bearer token (env BLACKLIST_API_KEY;
                    prefer the variable: flags show up in ps and shell history)
  --output FORMAT   table (default) or json; json prints the server's answer
  --timeout D       limit for each HTTP request, e.g. 10s or 2m (default 30s)
  --full-ids        tables show whole ids and subject keys, not their first
                    12 characters (any unique prefix is accepted as an id)
  --lang en|zh      messages, tables, amounts and times in English or Chinese
                    (default: from LANG, e.g. zh_CN.UTF-8; Chinese shows
                    times in Asia/Shanghai, English in the local zone)
  --field PATH      print only this member of the json answer, for scripts
                    without jq: a string unquoted, a list one per line; dots
                    go deeper (results.0.id). Implies --output json.

Exit codes (stable, for scripts):
  0  success
  1  refused: the server answered with a 4xx problem (its type, title, detail
     and item errors are printed on stderr), or blctl refused the input for
     the same kind of reason before sending it (invalid payload, invalid id
     number or key, key file already exists); submit, watch import: at
     least one line was rejected; audit verify: the log does not verify
  2  usage error: unknown command or flag, missing or invalid argument,
     unreadable input file
  3  transport or server error: connection refused, timeout, 5xx, or an
     answer that does not parse
  4  lookup --fail-if-listed: at least one subject is listed

Examples:
  export BLACKLIST_SERVER=https://node.bank1.example:8443
  export BLACKLIST_API_KEY=$(cat ~/.blacklist/api-key)
  blctl keygen --out bank1-2026
  blctl subject-key --id-type cn-ric --id-number 11010519491231002X
  blctl lookup --purpose loan-approval --fail-if-listed 3f5a...c9
  blctl submit --key bank1-2026.key --kid bank1-2026 defaults.ndjson
  blctl --output json members list | jq '.members[].mspId'
`,
		ZH: `blctl 是黑名单账本节点 HTTP API 的命令行客户端。

用法：
  blctl [global flags] COMMAND [flags] [args]
  blctl COMMAND --help

命令：
%s
全局参数（可放在 COMMAND 之前或之后）：
  --server URL      节点 API 的基础 URL（环境变量 BLACKLIST_SERVER，默认 ` + defaultServer + `）
  --api-key KEY     API 密钥，作为 Bearer 令牌发送（环境变量 BLACKLIST_API_KEY；
                    建议使用环境变量：参数会出现在 ps 和 shell 历史记录中）
  --output FORMAT   table（默认）或 json；json 输出服务器的原始应答
  --timeout D       每个 HTTP 请求的时限，如 10s 或 2m（默认 30s）
  --full-ids        表格显示完整的编号和主体密钥，而不是前 12 个字符
                    （任何唯一的前缀都可以作为编号使用）
  --lang en|zh      消息、表格、金额和时间使用英文或中文
                    （默认取自 LANG，如 zh_CN.UTF-8；中文按 Asia/Shanghai
                    显示时间，英文按本地时区）
  --field PATH      只输出 json 应答中的这一成员，便于没有 jq 的脚本使用：
                    字符串不带引号，列表每行一项；用点号深入下一层
                    （results.0.id）。隐含 --output json。

退出码（稳定，供脚本判断）：
  0  成功
  1  被拒绝：服务器以 4xx 问题文档应答（其 type、title、detail 和各项错误
     输出到 stderr），或 blctl 在发送前出于同类原因拒绝了输入（载荷无效、
     证件号码或密钥无效、密钥文件已存在）；submit、watch import：至少有
     一行被拒绝；audit verify：日志未通过校验
  2  用法错误：未知命令或参数、缺少参数或参数无效、输入文件无法读取
  3  传输或服务器错误：连接被拒绝、超时、5xx，或应答无法解析
  4  lookup --fail-if-listed：至少有一个主体已列入黑名单

示例：
  export BLACKLIST_SERVER=https://node.bank1.example:8443
  export BLACKLIST_API_KEY=$(cat ~/.blacklist/api-key)
  blctl keygen --out bank1-2026
  blctl subject-key --id-type cn-ric --id-number 11010519491231002X
  blctl lookup --purpose loan-approval --fail-if-listed 3f5a...c9
  blctl submit --key bank1-2026.key --kid bank1-2026 defaults.ndjson
  blctl --output json members list | jq '.members[].mspId'
`,
	},
	"alerts": {
		EN: `Usage: blctl alerts [--after ID] [--follow | --wait D]

Lists your member's alerts on watched subjects (roles querier, reporter),
oldest first: a default, settlement, revocation, dispute-opened or
dispute-resolved that the ledger gained on a subject in the watchlist,
whoever filed it, and already-listed for a subject that was listed when it
was added (see 'blctl watch'). Ids are increasing numbers: pass the last id
you processed as --after to see only what is new.

With --wait D, when there is no alert (after --after) yet, blctl asks again
until one is raised or D has passed, then lists: for a script that has just
filed what should raise one.

With --follow blctl then stays connected (GET /v1/alerts/stream, Server-Sent
Events) and prints each alert as the node raises it, until interrupted
(Ctrl-C, exit 0). A lost connection is re-established after a pause that
grows while the node cannot be reached, resuming after the last alert
printed (Last-Event-ID), so nothing is missed or printed twice.

Output: id, time, kind, subject (abbreviated to 12 characters), reporter,
attestation, detail (the default a settlement or revocation closes, a
dispute's id or outcome) and your label. With --output json:
{"alerts":[...],"last":ID} where last is the id to pass as --after next
time; with --follow, one alert object per line (NDJSON).

Examples:
  blctl alerts
  blctl alerts --after 1042
  blctl --output json alerts --follow | while read -r a; do notify "$a"; done
`,
		ZH: `用法：blctl alerts [--after ID] [--follow | --wait D]

列出本成员针对被监控主体的预警（角色 querier、reporter），最早的在前：
账本上针对监控名单中某个主体新增的违约、结清、撤销、异议提出
（dispute-opened）或异议处理（dispute-resolved），无论由谁报送；以及加入
监控时已列入的主体的 already-listed（见 'blctl watch'）。编号是递增的
数字：把您处理过的最后一个编号作为 --after 传入，即可只看新增的预警。

使用 --wait D 时，如果（--after 之后）还没有预警，blctl 会反复询问，直到
产生一条或超过 D，然后列出：适用于刚报送了应当触发预警的内容的脚本。

使用 --follow 时，blctl 随后保持连接（GET /v1/alerts/stream，Server-Sent
Events），节点每产生一条预警就输出一条，直到被中断（Ctrl-C，退出码 0）。
连接断开后会在一段等待后重新建立，节点无法连通期间等待逐渐延长，并从最后
输出的预警之后继续（Last-Event-ID），因此不会遗漏，也不会重复输出。

输出：编号、时间、类型、主体（缩写为 12 个字符）、报送机构、证明、详情
（结清或撤销所关闭的违约，异议的编号或结果）以及您的标签。使用
--output json 时：{"alerts":[...],"last":ID}，last 即下次作为 --after
传入的编号；使用 --follow 时，每行一个预警对象（NDJSON）。

示例：
  blctl alerts
  blctl alerts --after 1042
  blctl --output json alerts --follow | while read -r a; do notify "$a"; done
`,
	},
	"attestation show": {
		EN: `Usage: blctl attestation show --purpose P ID

Shows an attestation by id (any role): its payload, the key that signed
it, when the ledger recorded it and, for a default, its state and the
settlement or revocation that closed it. --output json adds the JWS.
An attestation names a subject, so reading one is recorded in the node's
audit log like a lookup, under the stated purpose: loan-approval,
post-loan, guarantor-check or dispute-handling.

Example:
  blctl attestation show --purpose dispute-handling 9c1f...e2
  blctl --output json attestation show --purpose dispute-handling 9c1f...e2 | jq -r .jws
`,
		ZH: `用法：blctl attestation show --purpose P ID

按编号显示一份证明（任何角色）：其载荷、签名所用的密钥、账本的记账时间；
若为违约，还显示其状态以及将其关闭的结清或撤销。--output json 另附 JWS。
证明中载有主体，因此读取证明与查询一样，以所注明的用途记入节点的审计
日志：loan-approval（贷前审查）、post-loan（贷后监控）、guarantor-check
（担保人核查）或 dispute-handling（异议处理）。

示例：
  blctl attestation show --purpose dispute-handling 9c1f...e2
  blctl --output json attestation show --purpose dispute-handling 9c1f...e2 | jq -r .jws
`,
	},
	"audit": {
		EN: `Usage: blctl audit [--member M] [--subject K] [--from T] [--to T]
       blctl audit export --out FILE [--member M]
       blctl audit verify --log FILE [--member M]

Reads the node's query audit log (roles auditor, admin): who looked up
which subject, for what purpose, and what they saw, with the outcome (ok,
denied, error, over-budget). Pages are followed until the log is exhausted.
T is an RFC 3339 time. An auditor of a bank sees only its own member's
lookups. With --subject the node answers from its subject index.

Each member's entries are hash-chained, and the node commits the chain's
head to the shared ledger every few minutes. "export" downloads a member's
chain; "verify" checks an exported chain and that it extends every head
the member anchored (see 'blctl audit verify --help').

Output: a table, or with --output json {"entries":[...]} with every entry
as the server sent it.

Examples:
  blctl audit --from 2026-03-01T00:00:00+08:00 --to 2026-04-01T00:00:00+08:00
  blctl audit --subject 3f5a0c...e9
  blctl --output json audit --member Bank2MSP | jq '.entries[] | select(.purpose == "post-loan")'
`,
		ZH: `用法：blctl audit [--member M] [--subject K] [--from T] [--to T]
       blctl audit export --out FILE [--member M]
       blctl audit verify --log FILE [--member M]

读取节点的查询审计日志（角色 auditor、admin）：谁以什么用途查询了哪个
主体、看到了什么，以及结果（ok 成功、denied 拒绝、error 出错、over-budget
超出额度）。自动翻页直至日志末尾。T 为 RFC 3339 时间。银行的审计员只能
看到本成员的查询。使用 --subject 时，节点从其主体索引中应答。

每个成员的日志条目组成哈希链，节点每隔几分钟将链头提交到共享账本。
"export" 下载一个成员的链；"verify" 校验导出的链，并校验它延续了该成员
锚定过的每个链头（见 'blctl audit verify --help'）。

输出：表格，或使用 --output json 时为 {"entries":[...]}，每个条目与服务器
发送的一致。

示例：
  blctl audit --from 2026-03-01T00:00:00+08:00 --to 2026-04-01T00:00:00+08:00
  blctl audit --subject 3f5a0c...e9
  blctl --output json audit --member Bank2MSP | jq '.entries[] | select(.purpose == "post-loan")'
`,
	},
	"audit export": {
		EN: `Usage: blctl audit export --out FILE [--member M] [--after N]

Downloads a member's query audit chain (GET /v1/audit/log, roles auditor,
admin) as NDJSON, one entry a line, in chain order, up to the head at the
time of the request. A bank's clients export their own member's chain; the
association's clients may name another member held on this node. The file
is written whole or not at all (FILE is replaced only when the download
completed). Hand it to the auditor, who runs 'blctl audit verify'.

Examples:
  blctl audit export --out bank1-audit.ndjson
  blctl audit export --member Bank1MSP --out - | gzip > bank1-audit.ndjson.gz
`,
		ZH: `用法：blctl audit export --out FILE [--member M] [--after N]

以 NDJSON 格式下载一个成员的查询审计链（GET /v1/audit/log，角色 auditor、
admin），每行一个条目，按链顺序，直到请求时的链头。银行的客户端导出本成员
的链；协会的客户端可以指定本节点上的其他成员。文件要么完整写出，要么完全
不写（下载完成后才替换 FILE）。将文件交给审计员，由其运行
'blctl audit verify'。

示例：
  blctl audit export --out bank1-audit.ndjson
  blctl audit export --member Bank1MSP --out - | gzip > bank1-audit.ndjson.gz
`,
	},
	"audit verify": {
		EN: `Usage: blctl audit verify --log FILE [--member M]

Verifies an exported audit chain (FILE, or - for stdin): every entry's hash
and link to the previous one, positions 1, 2, ... without gaps, one member
only; and that the log extends every head the member anchored on the shared
ledger (GET /v1/audit/anchors, roles auditor, admin; any member's anchors
can be read). The member is --member or the log's own.

It fails (exit 1) with the first bad position and why:
  broken-link  an entry's hash or link does not match: rewritten in place
  gap          a position is missing or out of order
  truncated    the log ends before a size the member anchored
  diverged     the log does not extend an anchored head: rewritten and
               re-hashed, between the previous matching anchor and this one
  mixed        an entry of another member
  malformed    a line that is not an audit entry
Entries after the last anchor are checked as a chain but nothing outside
the node binds them yet; verify reports how many there are.

A member's log is named on the ledger by its first entry's hash; a node
that lost its store starts a new log, which shows as a second log of the
member: verify says so, and each log should be verified. A log whose first
entry matches none of the member's anchored logs fails (diverged at 1).

Output: a summary, or with --output json {"verified":..., "member", "size",
"head", "anchors" (of this log), "logs" (the member anchored), "unanchored"}
and on failure "kind", "position", "message".

Examples:
  blctl audit verify --log bank1-audit.ndjson
  blctl --output json audit verify --member Bank1MSP --log - < bank1-audit.ndjson
`,
		ZH: `用法：blctl audit verify --log FILE [--member M]

校验导出的审计链（FILE，或用 - 从 stdin 读取）：每个条目的哈希及其与前一
条目的链接，位置 1、2、……连续无缺口，且只属于一个成员；并校验日志延续了
该成员在共享账本上锚定过的每个链头（GET /v1/audit/anchors，角色 auditor、
admin；任何成员的锚点都可读取）。成员为 --member 或日志本身的成员。

校验失败（退出码 1）时给出第一个出错的位置及原因：
  broken-link  条目的哈希或链接不符：被原地改写
  gap          缺少某个位置或位置顺序错乱
  truncated    日志在该成员锚定过的长度之前就结束了
  diverged     日志没有延续某个已锚定的链头：在上一个相符的锚点与本锚点
               之间被改写并重新计算了哈希
  mixed        含有其他成员的条目
  malformed    某行不是审计条目
最后一个锚点之后的条目只按链校验，节点之外尚无记录可以佐证它们；verify
会报告其数量。

账本以成员日志第一个条目的哈希来指称该日志；丢失存储的节点会开始一个新
日志，显示为该成员的第二个日志：verify 会指出这一点，每个日志都应分别校验。
第一个条目与该成员任何已锚定日志都不相符的日志校验失败（diverged at 1）。

输出：摘要，或使用 --output json 时为 {"verified":..., "member", "size",
"head", "anchors"（本日志的）, "logs"（该成员锚定过的）, "unanchored"}，
失败时另有 "kind"、"position"、"message"。

示例：
  blctl audit verify --log bank1-audit.ndjson
  blctl --output json audit verify --member Bank1MSP --log - < bank1-audit.ndjson
`,
	},
	"dispute": {
		EN: `Usage: blctl dispute SUBCOMMAND [flags] [args]

A dispute is a subject's objection to a default. The reporter must answer
within the policy's dispute-answer days; until then the subject shows as
disputed.

Subcommands:
%s
Examples:
  blctl dispute open --attestation 9c1f...e2 --reason-code already-paid --statement-file letter.pdf
  blctl dispute list --state open
  blctl dispute resolve 5d2a...77 --outcome upheld --note "payment confirmed 2026-02-03"

Run 'blctl dispute SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl dispute SUBCOMMAND [flags] [args]

异议是主体对一笔违约提出的不同意见。报送机构必须在政策规定的异议答复
天数内答复；在此之前，该主体显示为有异议。

子命令：
%s
示例：
  blctl dispute open --attestation 9c1f...e2 --reason-code already-paid --statement-file letter.pdf
  blctl dispute list --state open
  blctl dispute resolve 5d2a...77 --outcome upheld --note "payment confirmed 2026-02-03"

运行 'blctl dispute SUBCOMMAND --help' 查看其参数。
`,
	},
	"dispute list": {
		EN: `Usage: blctl dispute list [--state S]

Lists disputes visible to this client, optionally only those in state S
(open, upheld, rejected or overdue).

Example:
  blctl dispute list --state overdue
`,
		ZH: `用法：blctl dispute list [--state S]

列出本客户端可见的异议，可只列出处于状态 S 的异议（open 处理中、upheld
成立、rejected 驳回或 overdue 逾期未答复）。

示例：
  blctl dispute list --state overdue
`,
	},
	"dispute open": {
		EN: `Usage: blctl dispute open --attestation ID --reason-code CODE (--statement-file F | --statement-digest HEX)

Opens a dispute against a default (roles reporter, querier, admin). Only the
SHA-256 of the subject's statement goes on the ledger: give the statement
file to have it hashed here, or its lower-case hex digest. Reason codes:
not-mine, amount-wrong, already-paid, no-notice, dates-wrong, other.

Examples:
  blctl dispute open --attestation 9c1f...e2 --reason-code not-mine --statement-file statement.pdf
  blctl dispute open --attestation 9c1f...e2 --reason-code other --statement-digest $(sha256sum s.txt | cut -c1-64)
`,
		ZH: `用法：blctl dispute open --attestation ID --reason-code CODE (--statement-file F | --statement-digest HEX)

对一笔违约提出异议（角色 reporter、querier、admin）。账本上只记录主体陈述
的 SHA-256：给出陈述文件由本地计算摘要，或直接给出其小写十六进制摘要。
原因代码：not-mine（非本人）、amount-wrong（金额有误）、already-paid（已还清）、
no-notice（未经通知）、dates-wrong（日期有误）、other（其他）。

示例：
  blctl dispute open --attestation 9c1f...e2 --reason-code not-mine --statement-file statement.pdf
  blctl dispute open --attestation 9c1f...e2 --reason-code other --statement-digest $(sha256sum s.txt | cut -c1-64)
`,
	},
	"dispute resolve": {
		EN: `Usage: blctl dispute resolve ID --outcome upheld|rejected --note TEXT

Resolves a dispute (the reporter of the default, or admin). upheld means the
subject is right and the default stops counting; rejected keeps it.

Example:
  blctl dispute resolve 5d2a...77 --outcome upheld --note "paid in full on 2026-02-03"
`,
		ZH: `用法：blctl dispute resolve ID --outcome upheld|rejected --note TEXT

处理一项异议（该违约的报送机构，或 admin）。upheld 表示主体的异议成立，
该违约不再计入；rejected 表示驳回异议，违约保留。

示例：
  blctl dispute resolve 5d2a...77 --outcome upheld --note "paid in full on 2026-02-03"
`,
	},
	"keygen": {
		EN: `Usage: blctl keygen --out PREFIX

Creates an ES256 (ECDSA P-256) signing key pair for attestations:
PREFIX.key, the PKCS#8 private key (mode 0600, keep it secret), and
PREFIX.pub, the public key to register with the association. Existing
files are never overwritten (exit 1). Prints the key's RFC 7638 thumbprint,
which the association can compare with the registered key
(blctl members show MSP). No server is contacted.

Examples:
  blctl keygen --out /etc/blacklist/bank1-2026
  blctl members add-key Bank1MSP --kid bank1-2026 --pubkey /etc/blacklist/bank1-2026.pub
`,
		ZH: `用法：blctl keygen --out PREFIX

生成用于签署证明的 ES256（ECDSA P-256）签名密钥对：PREFIX.key 为 PKCS#8
私钥（权限 0600，请妥善保密），PREFIX.pub 为需向协会登记的公钥。已存在的
文件绝不覆盖（退出码 1）。输出该密钥的 RFC 7638 指纹，协会可据此与已登记
的密钥核对（blctl members show MSP）。不连接服务器。

示例：
  blctl keygen --out /etc/blacklist/bank1-2026
  blctl members add-key Bank1MSP --kid bank1-2026 --pubkey /etc/blacklist/bank1-2026.pub
`,
	},
	"lookup": {
		EN: `Usage: blctl lookup --purpose P [--fail-if-listed] (SUBJECT... | --file FILE|- | --id-type T --id-number N)

Looks up subjects' blacklist status (role querier). Every lookup is
recorded in the node's audit log under the stated purpose: loan-approval,
post-loan, guarantor-check or dispute-handling.

A SUBJECT is what you have in hand: a subject key, a unique prefix of one
(at least 6 characters, as tables show them), or a PRC resident identity
number (18 characters, or the first-generation 15 digits), which the node
turns into its key without storing it or sending it back. A passport
number is given with --id-type passport. --file holds one subject a line:
any of those, optionally followed by a comma and your label for it
("11010519491231002X,cust-42"), or {"idType","idNumber"} or {"subjectKey"}
objects with an optional "label"; lines of all kinds may be mixed.

One key is read with GET /v1/subjects/{key}; anything else with POST
/v1/lookups, 10,000 per request.

Output: a table in input order. INPUT is your label, or what you gave (an
identity number masked to its first 6 and last 4 characters); SUBJECT the
key (12 characters, --full-ids for all 64); OUTSTANDING the amounts per
currency. With --output json: the server's answer, the status for one key,
{"asOf","results"} in input order for several (asOf is then the lowest
ledger height any request was read at).

With --fail-if-listed the exit code is 4 when any subject is listed, so a
script can branch without parsing output.

Examples:
  blctl lookup --purpose loan-approval 11010519491231002X
  blctl lookup --purpose loan-approval --id-type passport --id-number "CHN E12345678"
  blctl lookup --purpose post-loan 3f5a0c9e12ab
  blctl lookup --purpose post-loan --file portfolio.txt
  blctl lookup --purpose loan-approval --fail-if-listed --file applicants.ndjson && approve
  blctl --output json lookup --purpose post-loan KEY1 KEY2 | jq '.results[] | select(.listed)'
`,
		ZH: `用法：blctl lookup --purpose P [--fail-if-listed] (SUBJECT... | --file FILE|- | --id-type T --id-number N)

查询主体的黑名单状态（角色 querier）。每次查询都以所注明的用途记入节点的
审计日志：loan-approval（贷前审查）、post-loan（贷后监控）、
guarantor-check（担保人核查）或 dispute-handling（异议处理）。

SUBJECT 就是您手头的信息：主体密钥、其唯一前缀（至少 6 个字符，即表格中
显示的样子），或中华人民共和国居民身份证号码（18 位，或第一代身份证的
15 位数字）；节点将号码转换为主体密钥，既不保存号码，也不在应答中返回。
护照号码需加 --id-type passport。--file 每行一个主体：可以是上述任一种，
后面可跟一个逗号和您自己的标签（"11010519491231002X,cust-42"），也可以是
带可选 "label" 的 {"idType","idNumber"} 或 {"subjectKey"} 对象；各种行
可以混用。

单个主体密钥用 GET /v1/subjects/{key} 查询；其余情况用 POST /v1/lookups，
每个请求 10,000 个。

输出：按输入顺序排列的表格。输入列是您的标签，或您给出的内容（证件号码
只显示前 6 位和后 4 位）；主体列是主体密钥（12 个字符，--full-ids 显示全部
64 个）；未结金额列按币种列出金额。使用 --output json 时：服务器的应答，
单个主体密钥时为其状态，多个时为按输入顺序的 {"asOf","results"}（此时
asOf 是各请求读取时的最低账本高度）。

使用 --fail-if-listed 时，只要有主体已列入，退出码即为 4，脚本无需解析
输出即可分支处理。

示例：
  blctl lookup --purpose loan-approval 11010519491231002X
  blctl lookup --purpose loan-approval --id-type passport --id-number "CHN E12345678"
  blctl lookup --purpose post-loan 3f5a0c9e12ab
  blctl lookup --purpose post-loan --file portfolio.txt
  blctl lookup --purpose loan-approval --fail-if-listed --file applicants.ndjson && approve
  blctl --output json lookup --purpose post-loan KEY1 KEY2 | jq '.results[] | select(.listed)'
`,
	},
	"members": {
		EN: `Usage: blctl members SUBCOMMAND [flags] [args]

Members are the banks of the association (and the association itself).
Reading is open to every client; admitting and changing a member's status
needs the admin role; a member's reporter may add and revoke its own keys.

Subcommands:
%s
Examples:
  blctl members list
  blctl members show Bank1MSP
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" --credit-code 91110000XXXXXXXXXX \
      --roles reporter,querier --pubkey bank3-2026.pub --kid bank3-2026
  blctl members suspend Bank3MSP --reason "membership fee unpaid"
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
  blctl members revoke-key Bank1MSP bank1-2026 --reason "rotated"

Run 'blctl members SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl members SUBCOMMAND [flags] [args]

成员是协会的各家银行（以及协会本身）。所有客户端都可以读取成员信息；
接纳成员和变更成员状态需要 admin 角色；成员的 reporter 可以登记和吊销
本成员的密钥。

子命令：
%s
示例：
  blctl members list
  blctl members show Bank1MSP
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" --credit-code 91110000XXXXXXXXXX \
      --roles reporter,querier --pubkey bank3-2026.pub --kid bank3-2026
  blctl members suspend Bank3MSP --reason "membership fee unpaid"
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
  blctl members revoke-key Bank1MSP bank1-2026 --reason "rotated"

运行 'blctl members SUBCOMMAND --help' 查看其参数。
`,
	},
	"members add-key": {
		EN: `Usage: blctl members add-key MSP --kid KID --pubkey FILE

Registers a signing key for a member (role admin, or a reporter of that
member). Attestations name the key by KID in their JWS header.

Example:
  blctl keygen --out bank1-2027
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
`,
		ZH: `用法：blctl members add-key MSP --kid KID --pubkey FILE

为成员登记一个签名密钥（角色 admin，或该成员的 reporter）。证明在其 JWS
头部以 KID 指明所用的密钥。

示例：
  blctl keygen --out bank1-2027
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
`,
	},
	"members admit": {
		EN: `Usage: blctl members admit --msp MSP --legal-name NAME --credit-code CODE --roles ROLES [--pubkey FILE --kid KID]

Admits a member (role admin). ROLES is a comma-separated list of reporter
and querier. A first signing key may be registered at once with --pubkey
(a PEM public key, as written by 'blctl keygen') and --kid.

Example:
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" \
      --credit-code 91110000XXXXXXXXXX --roles reporter,querier \
      --pubkey bank3-2026.pub --kid bank3-2026
`,
		ZH: `用法：blctl members admit --msp MSP --legal-name NAME --credit-code CODE --roles ROLES [--pubkey FILE --kid KID]

接纳一个成员（角色 admin）。ROLES 为逗号分隔的 reporter 和 querier。
可同时用 --pubkey（PEM 公钥，即 'blctl keygen' 生成的公钥）和 --kid 登记
第一个签名密钥。

示例：
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" \
      --credit-code 91110000XXXXXXXXXX --roles reporter,querier \
      --pubkey bank3-2026.pub --kid bank3-2026
`,
	},
	"members expel": {
		EN: `Usage: blctl members expel MSP --reason TEXT

Expels a member for good (role admin). The reason is recorded on the ledger.

Example:
  blctl members expel Bank3MSP --reason "board decision 2026-04"
`,
		ZH: `用法：blctl members expel MSP --reason TEXT

永久除名一个成员（角色 admin）。原因记入账本。

示例：
  blctl members expel Bank3MSP --reason "board decision 2026-04"
`,
	},
	"members list": {
		EN: `Usage: blctl members list

Lists all members: MSP id, legal name, status, roles and active keys.

Example:
  blctl --output json members list | jq '.members[] | select(.status != "active")'
`,
		ZH: `用法：blctl members list

列出全部成员：MSP 编号、机构名称、状态、角色和有效密钥。

示例：
  blctl --output json members list | jq '.members[] | select(.status != "active")'
`,
	},
	"members reinstate": {
		EN: `Usage: blctl members reinstate MSP --reason TEXT

Reinstates a suspended member (role admin). The reason is recorded on the ledger.

Example:
  blctl members reinstate Bank3MSP --reason "board decision 2026-04"
`,
		ZH: `用法：blctl members reinstate MSP --reason TEXT

恢复一个被暂停的成员（角色 admin）。原因记入账本。

示例：
  blctl members reinstate Bank3MSP --reason "board decision 2026-04"
`,
	},
	"members revoke-key": {
		EN: `Usage: blctl members revoke-key MSP KID [--reason TEXT]

Revokes a member's signing key (role admin, or a reporter of that member).
Attestations already on the ledger stay; new ones signed with the key are
refused.

Example:
  blctl members revoke-key Bank1MSP bank1-2026 --reason "key rotated"
`,
		ZH: `用法：blctl members revoke-key MSP KID [--reason TEXT]

吊销成员的签名密钥（角色 admin，或该成员的 reporter）。账本中已有的证明
保留不变；此后用该密钥签署的新证明将被拒绝。

示例：
  blctl members revoke-key Bank1MSP bank1-2026 --reason "key rotated"
`,
	},
	"members show": {
		EN: `Usage: blctl members show MSP

Shows a member and its keys, with each key's RFC 7638 thumbprint.

Example:
  blctl members show Bank1MSP
`,
		ZH: `用法：blctl members show MSP

显示一个成员及其密钥，并附每个密钥的 RFC 7638 指纹。

示例：
  blctl members show Bank1MSP
`,
	},
	"members suspend": {
		EN: `Usage: blctl members suspend MSP --reason TEXT

Suspends a member (role admin). The reason is recorded on the ledger.

Example:
  blctl members suspend Bank3MSP --reason "board decision 2026-04"
`,
		ZH: `用法：blctl members suspend MSP --reason TEXT

暂停一个成员（角色 admin）。原因记入账本。

示例：
  blctl members suspend Bank3MSP --reason "board decision 2026-04"
`,
	},
	"policy": {
		EN: `Usage: blctl policy SUBCOMMAND [flags]

The association's listing policy: from how many days past due and which
amount a default counts, how long closed defaults stay visible, and how
long a reporter has to answer a dispute.

Subcommands:
%s
Examples:
  blctl policy show
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 \
      --min-amount CNY=100000 --min-amount USD=20000

Run 'blctl policy SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl policy SUBCOMMAND [flags]

协会的列入政策：逾期多少天、金额多少起的违约计入，已关闭的违约保留多久
可见，以及报送机构答复异议的期限。

子命令：
%s
示例：
  blctl policy show
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 \
      --min-amount CNY=100000 --min-amount USD=20000

运行 'blctl policy SUBCOMMAND --help' 查看其参数。
`,
	},
	"policy set": {
		EN: `Usage: blctl policy set --min-days-past-due N --retention-years N --dispute-answer-days N [--min-amount CUR=MINOR ...]
                        [--daily-derivations N] [--daily-lookups N]

Replaces the whole policy (role admin). Every setting must be given: a
currency without --min-amount has no minimum afterwards, and a budget not
given goes back to its default, so run 'blctl policy show' first. Amounts
are in minor units (CNY=100000 is 1,000.00 yuan); --min-amount may be
repeated. The budgets are per member and Asia/Shanghai day: raw identity
numbers turned into subject keys (default 10000) and subjects looked up
(default 200000); past one a member's requests get 429 and the association
an alert.

Example:
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 --min-amount CNY=100000
`,
		ZH: `用法：blctl policy set --min-days-past-due N --retention-years N --dispute-answer-days N [--min-amount CUR=MINOR ...]
                        [--daily-derivations N] [--daily-lookups N]

替换整个政策（角色 admin）。每项设置都必须给出：没有 --min-amount 的币种
此后不设最低金额，未给出的额度恢复为默认值，因此请先运行
'blctl policy show'。金额以币种最小单位表示（CNY=100000 即 1,000.00 元）；
--min-amount 可重复。额度按成员和北京时间（Asia/Shanghai）自然日计算：
证件号码转换为主体密钥的次数（默认 10000）和查询的主体数（默认 200000）；
超出任一额度后，该成员的请求得到 429，协会收到预警。

示例：
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 --min-amount CNY=100000
`,
	},
	"policy show": {
		EN: `Usage: blctl policy show

Shows the current policy (any role).

Example:
  blctl --output json policy show
`,
		ZH: `用法：blctl policy show

显示当前政策（任何角色）。

示例：
  blctl --output json policy show
`,
	},
	"sign": {
		EN: `Usage: blctl sign --key FILE --kid KID [--in FILE|-]

Signs one attestation payload (JSON, from --in or stdin) as a compact ES256
JWS. The payload is checked with the ledger's own rules first, so a token
blctl signs is never refused for its content. Prints the JWS on stdout and
the attestation id on stderr. No server is contacted.

A payload has every field of its type, e.g. a default:
  {"v":1,"type":"default","reporter":"Bank1MSP","subject":"<64 hex>",
   "issuedAt":"2026-03-01T09:00:00+08:00","loanRef":"<64 hex>",
   "product":"consumer","amount":12000000,"currency":"CNY",
   "overdueSince":"2025-10-01","daysPastDue":151,"noticeDate":"2026-01-15"}

Examples:
  blctl sign --key bank1.key --kid bank1-2026 --in default.json > default.jws
  jq -c . default.json | blctl sign --key bank1.key --kid bank1-2026
`,
		ZH: `用法：blctl sign --key FILE --kid KID [--in FILE|-]

将一份证明载荷（JSON，来自 --in 或 stdin）签署为紧凑格式的 ES256 JWS。
签署前先按账本自身的规则检查载荷，因此 blctl 签出的令牌不会因内容被拒绝。
JWS 输出到 stdout，证明编号输出到 stderr。不连接服务器。

载荷须包含其类型的全部字段，例如一条违约：
  {"v":1,"type":"default","reporter":"Bank1MSP","subject":"<64 hex>",
   "issuedAt":"2026-03-01T09:00:00+08:00","loanRef":"<64 hex>",
   "product":"consumer","amount":12000000,"currency":"CNY",
   "overdueSince":"2025-10-01","daysPastDue":151,"noticeDate":"2026-01-15"}

示例：
  blctl sign --key bank1.key --kid bank1-2026 --in default.json > default.jws
  jq -c . default.json | blctl sign --key bank1.key --kid bank1-2026
`,
	},
	"subject-key": {
		EN: `Usage: blctl subject-key --id-type cn-ric|passport --id-number N [--secret-file F]

Prints the subject key of an identity number: the key the ledger knows a
person by. With --secret-file (the hex consortium secret, as in the node's
DATA/consortium.secret) the key is derived locally and the number never
leaves this machine; otherwise the node derives it (POST /v1/subject-keys,
roles querier or reporter). --id-number - reads the number from stdin,
which keeps it out of ps and shell history. An invalid number exits 1.

Examples:
  blctl subject-key --id-type cn-ric --id-number 11010519491231002X
  blctl subject-key --id-type passport --id-number "CHN E12345678" --secret-file /var/lib/bl/consortium.secret
  read -rs ID; printf '%s\n' "$ID" | blctl subject-key --id-type cn-ric --id-number -
`,
		ZH: `用法：blctl subject-key --id-type cn-ric|passport --id-number N [--secret-file F]

输出证件号码对应的主体密钥：账本据以识别一个人的密钥。使用 --secret-file
（十六进制的联盟密钥，即节点的 DATA/consortium.secret）时在本地推导，号码
不会离开本机；否则由节点推导（POST /v1/subject-keys，角色 querier 或
reporter）。--id-number - 从 stdin 读取号码，避免号码出现在 ps 和 shell
历史记录中。号码无效时退出码为 1。

示例：
  blctl subject-key --id-type cn-ric --id-number 11010519491231002X
  blctl subject-key --id-type passport --id-number "CHN E12345678" --secret-file /var/lib/bl/consortium.secret
  read -rs ID; printf '%s\n' "$ID" | blctl subject-key --id-type cn-ric --id-number -
`,
	},
	"submit": {
		EN: `Usage: blctl submit [--key FILE --kid KID] [flags] FILE|-

Submits attestations to POST /v1/attestations/batch (role reporter), in
batches of --batch lines, and prints how many were accepted, were already
on the ledger (duplicate) and were rejected. Rejected lines are printed
with their reasons (the first 20 on stderr) and all written to
FILE.rejected.ndjson ({"line","code","message","input"}, input being the
line or CSV row as it was read, a string);
the command exits 1 if any line was rejected.

Input: NDJSON, one attestation per line, either a payload object (see
'blctl sign --help') or {"jws": "<compact JWS>"} already signed; or, for a
FILE ending in .csv (or --format csv), CSV whose header row names payload
fields (v, amount and daysPastDue are numbers; an empty cell is an absent
field, so one file can mix types).

Signing: with --key and --kid every payload is signed here, and must be
complete (v, reporter and issuedAt included). Without them the node signs
with its member's key; v and reporter may be left out and are filled in by
the node, and a missing issuedAt is filled in by blctl (see below).

Resuming: the state file (--state, default FILE.blctl-state) lists every
line the ledger accepted or already had, and is synced after each batch.
Rerunning the same command after an interruption (Ctrl-C, a timeout, exit
3) skips those lines and sends only the rest. Lines are known by their
attestation id when it can be computed (signed lines, or --key given),
otherwise by line number and the SHA-256 of the line. The time the state
file was created is used as the issuedAt of node-signed payloads without
one, so a rerun resends identical statements and the ledger answers
"duplicate" rather than recording one default twice. Keep the state file
until the whole input has been submitted.

With --output json the summary is {"accepted","duplicate","rejected",
"skipped","stateFile","ids"[,"rejectedFile"]}, ids being the attestation
ids of the lines accepted or found on the ledger in this run, in input
order: D=$(blctl --field ids submit default.ndjson) keeps the one id.

Progress goes to stderr: a bar on a terminal, otherwise a line every 5s.

Examples:
  blctl submit --key bank1-2026.key --kid bank1-2026 defaults.ndjson
  blctl submit --batch 200 settlements.csv
  blctl submit defaults.ndjson || jq -r .input defaults.ndjson.rejected.ndjson > retry.ndjson
  producer | blctl submit --state today.state -
`,
		ZH: `用法：blctl submit [--key FILE --kid KID] [flags] FILE|-

将证明提交到 POST /v1/attestations/batch（角色 reporter），每批 --batch 行，
并输出已接受、账本中已有（重复）和被拒绝的数量。被拒绝的行连同原因输出
（前 20 行输出到 stderr），并全部写入 FILE.rejected.ndjson
（{"line","code","message","input"}，input 为读入时的原始行或 CSV 行，
字符串形式）；只要有一行被拒绝，命令退出码即为 1。

输入：NDJSON，每行一份证明，可以是载荷对象（见 'blctl sign --help'），也可以
是已签署的 {"jws": "<compact JWS>"}；FILE 以 .csv 结尾（或 --format csv）时
为 CSV，表头行给出载荷字段名（v、amount 和 daysPastDue 为数字；空单元格
表示没有该字段，因此一个文件中可以混合多种类型）。

签名：给出 --key 和 --kid 时，每份载荷都在本地签署，且必须完整（包括 v、
reporter 和 issuedAt）。不给出时由节点用本成员的密钥签署；v 和 reporter
可以省略，由节点补上，缺少的 issuedAt 由 blctl 补上（见下文）。

断点续传：状态文件（--state，默认 FILE.blctl-state）记录账本已接受或已有的
每一行，每批之后落盘。中断后（Ctrl-C、超时、退出码 3）重新运行同一命令，
会跳过这些行，只发送其余的行。能计算出证明编号时（已签署的行，或给出了
--key）按编号识别各行，否则按行号和该行的 SHA-256 识别。由节点签署且没有
issuedAt 的载荷，以状态文件的创建时间作为 issuedAt，因此重新运行时发送的
是完全相同的报送，账本答复 "duplicate"，而不会把同一笔违约记录两次。
在全部输入提交完成之前，请保留状态文件。

使用 --output json 时，汇总为 {"accepted","duplicate","rejected",
"skipped","stateFile","ids"[,"rejectedFile"]}，其中 ids 是本次运行中被接受
或在账本中找到的各行的证明编号，按输入顺序排列：
D=$(blctl --field ids submit default.ndjson) 即可取得这一个编号。

进度输出到 stderr：终端上显示进度条，否则每 5 秒输出一行。

示例：
  blctl submit --key bank1-2026.key --kid bank1-2026 defaults.ndjson
  blctl submit --batch 200 settlements.csv
  blctl submit defaults.ndjson || jq -r .input defaults.ndjson.rejected.ndjson > retry.ndjson
  producer | blctl submit --state today.state -
`,
	},
	"watch": {
		EN: `Usage: blctl watch SUBCOMMAND [flags] [args]

The watchlist is your member's private list of subjects to monitor after
lending (roles querier, reporter): typically the whole loan book, each
subject key with your own label. It stays on your node. The node raises an
alert (see 'blctl alerts') whenever the ledger gains a default, settlement,
revocation or dispute on a watched subject, whoever filed it; adding a
subject that is already listed raises an "already-listed" alert at once.

Subcommands:
%s
Examples:
  blctl watch import loan-book.ndjson
  blctl watch add 3f5a0c...e9 --label cust-000123
  blctl watch list --all
  blctl watch rm 3f5a0c...e9

Run 'blctl watch SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl watch SUBCOMMAND [flags] [args]

监控名单是本成员用于贷后监控的私有主体名单（角色 querier、reporter）：
通常是整个贷款台账，每个主体密钥附上您自己的标签。名单只保存在您的节点
上。只要账本上出现针对被监控主体的违约、结清、撤销或异议，无论由谁报送，
节点都会产生预警（见 'blctl alerts'）；加入一个已列入的主体时，立即产生
一条 "already-listed" 预警。

子命令：
%s
示例：
  blctl watch import loan-book.ndjson
  blctl watch add 3f5a0c...e9 --label cust-000123
  blctl watch list --all
  blctl watch rm 3f5a0c...e9

运行 'blctl watch SUBCOMMAND --help' 查看其参数。
`,
	},
	"watch add": {
		EN: `Usage: blctl watch add KEY [--label L]

Adds one subject to the watchlist with PUT /v1/watchlist/{KEY}, or, if it
is watched already, replaces its label (with none when --label is not
given). A label is your own reference (a customer number), at most 128
bytes; it comes back in every alert on the subject.

If the subject is listed today, the node raises "already-listed" alerts at
once; they are printed below the entry.

Example:
  blctl watch add 3f5a0c...e9 --label cust-000123
`,
		ZH: `用法：blctl watch add KEY [--label L]

用 PUT /v1/watchlist/{KEY} 将一个主体加入监控名单；若已在监控中，则替换
其标签（未给出 --label 时清空标签）。标签是您自己的参考信息（如客户号），
最多 128 字节；该主体的每条预警都会带回这个标签。

若该主体今天已列入，节点立即产生 "already-listed" 预警；这些预警显示在
条目下方。

示例：
  blctl watch add 3f5a0c...e9 --label cust-000123
`,
	},
	"watch import": {
		EN: `Usage: blctl watch import [--format F] FILE|-

Streams a loan book into the watchlist with POST /v1/watchlist/import. The
file is sent as it is read, never held in memory, so it may have millions
of lines; the node checks every key against the ledger as it goes.

Input, one subject per line:
  NDJSON (.ndjson, .jsonl): {"subjectKey":"<64 hex>","label":"cust-000123"}
    or {"idType":"cn-ric","idNumber":"...","label":"..."} for the node to
    turn into the subject key (the number itself is not kept)
  CSV (.csv): a header row naming columns among subjectKey, idType,
    idNumber and label, then one row per subject
The format comes from the file name's extension, or from --format (needed
for stdin).

A bad line is counted and reported by line number (the node lists the first
100) and the import goes on; the command then exits 1. Importing the same
book again is harmless: it only updates labels.

Output: lines, imported, rejected and already listed (subjects that are
listed today: see 'blctl alerts'), then the rejected lines; or with
--output json the node's answer.

Progress goes to stderr: a bar on a terminal, otherwise a line every 5s.
--timeout limits how long the node may go without reading more of the
file (or, at the end, without answering), not the whole upload.

Examples:
  blctl watch import loan-book.ndjson
  blctl watch import customers.csv
  export-book | blctl watch import --format ndjson -
`,
		ZH: `用法：blctl watch import [--format F] FILE|-

用 POST /v1/watchlist/import 将贷款台账以流式方式导入监控名单。文件边读
边发送，从不整体载入内存，因此可以有数百万行；节点边接收边将每个密钥与
账本核对。

输入，每行一个主体：
  NDJSON（.ndjson、.jsonl）：{"subjectKey":"<64 hex>","label":"cust-000123"}
    或 {"idType":"cn-ric","idNumber":"...","label":"..."}，由节点转换为主体
    密钥（号码本身不保存）
  CSV（.csv）：表头行给出列名，取自 subjectKey、idType、idNumber 和
    label，之后每行一个主体
格式由文件扩展名决定，或由 --format 指定（从 stdin 读取时必须指定）。

有问题的行会被计数并按行号报告（节点列出前 100 行），导入继续进行；命令
随后以退出码 1 结束。重复导入同一份台账无害：只会更新标签。

输出：行数、已导入、已拒绝和已列入（今天已列入的主体：见 'blctl alerts'），
然后是被拒绝的行；或使用 --output json 时输出节点的应答。

进度输出到 stderr：终端上显示进度条，否则每 5 秒输出一行。
--timeout 限制的是节点可以多久不读取文件的后续内容（或在最后多久不应答），
而不是整个上传过程。

示例：
  blctl watch import loan-book.ndjson
  blctl watch import customers.csv
  export-book | blctl watch import --format ndjson -
`,
	},
	"watch list": {
		EN: `Usage: blctl watch list [--all] [--after KEY] [--limit N]

Lists the watchlist in subject-key order (GET /v1/watchlist): one page of
--limit entries, or with --all every page, printed as it arrives. Without
--all, when more entries follow, the key to continue from is printed on
stderr (and is "next" in json output).

Output: subject key (abbreviated to 12 characters), label and when it was
added; or with --output json {"entries":[...],"next":KEY|null}.

Examples:
  blctl watch list
  blctl --output json watch list --all | jq -r '.entries[].subjectKey' > watched.txt
`,
		ZH: `用法：blctl watch list [--all] [--after KEY] [--limit N]

按主体密钥顺序列出监控名单（GET /v1/watchlist）：一页 --limit 条，或使用
--all 列出所有页，边收边输出。不带 --all 且后面还有条目时，继续查询所用的
密钥输出到 stderr（json 输出中为 "next"）。

输出：主体密钥（缩写为 12 个字符）、标签和加入时间；或使用 --output json
时为 {"entries":[...],"next":KEY|null}。

示例：
  blctl watch list
  blctl --output json watch list --all | jq -r '.entries[].subjectKey' > watched.txt
`,
	},
	"watch rm": {
		EN: `Usage: blctl watch rm KEY

Removes a subject from the watchlist (DELETE /v1/watchlist/{KEY}): no
alerts are raised on it from now on; those raised already are kept.
Exits 1 if the subject was not watched.

Example:
  blctl watch rm 3f5a0c...e9
`,
		ZH: `用法：blctl watch rm KEY

将一个主体移出监控名单（DELETE /v1/watchlist/{KEY}）：此后不再针对它产生
预警；已产生的预警保留。该主体不在监控中时退出码为 1。

示例：
  blctl watch rm 3f5a0c...e9
`,
	},
	"webhook": {
		EN: `Usage: blctl webhook SUBCOMMAND [flags]

A webhook has the node POST each of your member's alerts to a URL of
yours as it is raised (roles querier, reporter), signed with a shared
secret (HMAC-SHA256), at least once and in order, retrying while the
receiver fails; receivers drop duplicates by the alert id. One webhook per
member.

Subcommands:
%s
Examples:
  blctl webhook set --url https://alerts.bank1.example/blacklist --secret-file webhook.secret
  BLACKLIST_WEBHOOK_SECRET=$(vault read -field=secret bank1/webhook) blctl webhook set --url https://...
  blctl webhook show
  blctl webhook rm

Run 'blctl webhook SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl webhook SUBCOMMAND [flags]

配置 Webhook 后，节点在本成员的每条预警产生时，将其 POST 到您的 URL
（角色 querier、reporter），以共享密钥签名（HMAC-SHA256），至少送达一次
且保持顺序，接收方失败时持续重试；接收方按预警编号去除重复。每个成员
一个 Webhook。

子命令：
%s
示例：
  blctl webhook set --url https://alerts.bank1.example/blacklist --secret-file webhook.secret
  BLACKLIST_WEBHOOK_SECRET=$(vault read -field=secret bank1/webhook) blctl webhook set --url https://...
  blctl webhook show
  blctl webhook rm

运行 'blctl webhook SUBCOMMAND --help' 查看其参数。
`,
	},
	"webhook rm": {
		EN: `Usage: blctl webhook rm

Removes your member's webhook (DELETE /v1/webhook): the node stops
sending alerts and forgets its position, so a webhook set later starts
with the alerts raised after that. Exits 1 if none is set.

Example:
  blctl webhook rm
`,
		ZH: `用法：blctl webhook rm

删除本成员的 Webhook（DELETE /v1/webhook）：节点停止发送预警并丢弃发送
位置，因此之后再设置的 Webhook 从那时起产生的预警开始发送。未设置时退出码
为 1。

示例：
  blctl webhook rm
`,
	},
	"webhook set": {
		EN: `Usage: blctl webhook set --url URL [--secret-file FILE|-]

Sets your member's webhook (PUT /v1/webhook), or changes its URL or secret
without losing its place: alerts not yet delivered still are. A first
webhook starts with the alerts raised after it is set.

The secret (at least 16 bytes) is read from FILE (a trailing newline is
dropped), or - for stdin, or else from the environment variable
BLACKLIST_WEBHOOK_SECRET; never from a flag, which ps and the shell history
would show. It is not printed back.

The URL must be http or https, without credentials or a fragment, on a
public address: the node refuses loopback, private, link-local and other
internal addresses (and names resolving to them) unless its operator
allowed them (blacklistd --webhook-allow). Redirects are not followed.

Examples:
  blctl webhook set --url https://alerts.bank1.example/blacklist --secret-file /etc/bank1/webhook.secret
  openssl rand -hex 32 | tee webhook.secret | blctl webhook set --url https://... --secret-file -
`,
		ZH: `用法：blctl webhook set --url URL [--secret-file FILE|-]

设置本成员的 Webhook（PUT /v1/webhook），或在不丢失发送位置的情况下更改
其 URL 或密钥：尚未送达的预警仍会送达。首次设置的 Webhook 从设置之后
产生的预警开始发送。

密钥（至少 16 字节）从 FILE 读取（去掉末尾换行），或用 - 从 stdin 读取，
否则取自环境变量 BLACKLIST_WEBHOOK_SECRET；绝不从参数读取，因为 ps 和 shell
历史记录会显示参数。密钥不会被回显。

URL 必须是 http 或 https，不带凭据或片段，且指向公网地址：节点拒绝回环、
私有、链路本地及其他内部地址（以及解析到这些地址的域名），除非节点运维方
允许（blacklistd --webhook-allow）。不跟随重定向。

示例：
  blctl webhook set --url https://alerts.bank1.example/blacklist --secret-file /etc/bank1/webhook.secret
  openssl rand -hex 32 | tee webhook.secret | blctl webhook set --url https://... --secret-file -
`,
	},
	"webhook show": {
		EN: `Usage: blctl webhook show

Shows your member's webhook (GET /v1/webhook): its URL, the last alert
delivered, how many wait, and whether deliveries are failing and the
class of the last failure (connection-failed, timeout, tls, redirect,
http-4xx, http-5xx, destination-refused); the node's operator has the
details in its log.
Exits 1 if no webhook is set.

Example:
  blctl webhook show
`,
		ZH: `用法：blctl webhook show

显示本成员的 Webhook（GET /v1/webhook）：其 URL、最后送达的预警、待发送
数量、发送是否正在失败以及最近一次失败的类别（connection-failed、timeout、
tls、redirect、http-4xx、http-5xx、destination-refused）；详细信息在节点
运维方的日志中。
未设置 Webhook 时退出码为 1。

示例：
  blctl webhook show
`,
	},
	// evidence (issue 13)
	"evidence": {
		EN: `Usage: blctl evidence SUBCOMMAND [flags]

Court evidence for one default: a bundle holds the default's signed record
and every later record about it (settlement, revocation, disputes and their
outcomes), the reporter's key records, each with its proof of inclusion in
the ledger's transparency log, and a checkpoint of the log signed by a
quorum of member organisations. "verify" checks a bundle offline against a
trust root obtained once from the association; see docs/evidence.md.

Subcommands:
%s
Examples:
  blctl evidence verify bundle.json --trust-root trust-root.json
  blctl --lang zh evidence verify bundle.json --trust-root trust-root.json

Run 'blctl evidence SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl evidence SUBCOMMAND [flags]

一笔违约的诉讼证据：证据包包含该违约的签名记录及其之后的全部相关记录
（结清、撤回、异议及其处理结果）、报送机构的密钥记录，每条记录都附有其
在账本透明日志中的包含证明，以及由法定数量成员机构签署的日志检查点。
"verify" 对照一次性从协会取得的信任根离线校验证据包；详见 docs/evidence.md。

子命令：
%s
示例：
  blctl evidence verify bundle.json --trust-root trust-root.json
  blctl --lang zh evidence verify bundle.json --trust-root trust-root.json

运行 'blctl evidence SUBCOMMAND --help' 查看其参数。
`,
	},
	"evidence verify": {
		EN: `Usage: blctl evidence verify FILE --trust-root FILE

Verifies an evidence bundle (FILE, or - for stdin) against a trust root,
with no network: the checkpoint's signatures by the organisations' log keys
and their quorum; every record's inclusion proof; that the records form an
unbroken chain up to the last one the checkpoint knows (nothing left out);
every attestation's ES256 signature with the reporter's key, registered and
not revoked at its issuedAt; and in fabric mode each transaction's block,
submitter signature, endorsements by member organisations' certificates
under the endorsement policy, and write of the record.

Prints the transcript, one numbered check each: what was checked, against
which key, and the result; --lang zh prints it in Chinese. Exit 0 only if
every check passed; exit 1 naming the first failure otherwise. With
--output json {"verified", "failure", "checks":[...]}.

Examples:
  blctl evidence verify bundle.json --trust-root trust-root.json
  blctl --lang zh evidence verify bundle.json --trust-root trust-root.json > transcript.txt
`,
		ZH: `用法：blctl evidence verify FILE --trust-root FILE

对照信任根离线校验证据包（FILE，或用 - 从 stdin 读取），无需网络：各机构
日志密钥对检查点的签名及其是否达到法定数；每条记录的包含证明；记录构成
一条不间断的链，直至检查点所知的最后一条（无遗漏）；每份证明的 ES256
签名使用报送机构在其签发时间（issuedAt）已登记且未撤销的密钥；fabric 模式
下还校验每笔交易所在区块、提交者签名、成员机构证书所作的背书是否满足
背书策略，以及交易对该记录的写入。

输出校验记录，每项检查一段并编号：检查了什么、对照哪个密钥、结果如何；
--lang zh 以中文输出。仅当全部检查通过时退出码为 0；否则退出码为 1 并
指出第一项未通过的检查。使用 --output json 时输出
{"verified", "failure", "checks":[...]}。

示例：
  blctl evidence verify bundle.json --trust-root trust-root.json
  blctl --lang zh evidence verify bundle.json --trust-root trust-root.json > transcript.txt
`,
	},
	"protect": {
		EN: `Usage: blctl protect SUBCOMMAND [flags] [args]

Protective registration of identity-theft victims: a subject whose identity
documents were lost or stolen is flagged so that every lender verifies
identity more carefully before lending in that name. Any member (roles
reporter, admin) registers on the subject's behalf; the registration is in
force for the policy's period (default 13 months) unless renewed, and only
its registrant or the association renews or removes it. It never makes the
subject listed; a default filed on a protected subject is accepted with the
warning subject-protected. Lookups and histories show it as "protected".

A subject is a subject key (or a unique prefix) or an identity number; a
number is turned into a key by the node (audited like a lookup) and never
put in a URL.

Subcommands:
%s
Examples:
  blctl protect add 11010519491231002X --reason-code documents-stolen --case-ref "PSB-2026-0172"
  blctl protect list 11010519491231002X --purpose loan-approval
  blctl protect renew 3f5a0c...e9
  blctl protect rm 3f5a0c...e9

Run 'blctl protect SUBCOMMAND --help' for its flags.
`,
		ZH: `用法：blctl protect SUBCOMMAND [flags] [args]

为身份盗用受害者办理保护性登记：证件遗失或被盗的主体被标记后，各贷款机构
在以其名义放贷前会更审慎地核验身份。任何成员（角色 reporter、admin）均可
代主体登记；登记在政策规定的期限内有效（默认 13 个月），除非续期；只有登记
方或协会可以续期或撤销。保护性登记绝不会使主体被列入；对受保护主体报送的
违约会被接受，但附带警告 subject-protected。查询和历史记录中显示为
"protected"。

主体可以是主体密钥（或唯一前缀）或证件号码；证件号码由节点转换为密钥
（与查询一样记入审计），绝不放入 URL。

子命令：
%s
示例：
  blctl protect add 11010519491231002X --reason-code documents-stolen --case-ref "PSB-2026-0172"
  blctl protect list 11010519491231002X --purpose loan-approval
  blctl protect renew 3f5a0c...e9
  blctl protect rm 3f5a0c...e9

运行 'blctl protect SUBCOMMAND --help' 查看其参数。
`,
	},
	"protect add": {
		EN: `Usage: blctl protect add SUBJECT --reason-code CODE (--case-ref TEXT | --case-ref-digest HEX) [--id-type T]

Registers a subject's protection (roles reporter, admin). SUBJECT is a
subject key or an identity number (sent in the body for the node to
derive). Only the SHA-256 of your case reference goes on the ledger: give
the reference to have it hashed here, or its lower-case hex digest. Reason
codes: documents-lost, documents-stolen, impersonation (credit sought in the
subject's name by someone else), data-breach. Refused (exit 1) while a
protection is in force: renew it instead.

Examples:
  blctl protect add 11010519491231002X --reason-code documents-stolen --case-ref "PSB-2026-0172"
  blctl protect add 3f5a0c...e9 --reason-code data-breach --case-ref-digest $(printf %s REF | sha256sum | cut -c1-64)
`,
		ZH: `用法：blctl protect add SUBJECT --reason-code CODE (--case-ref TEXT | --case-ref-digest HEX) [--id-type T]

为主体办理保护性登记（角色 reporter、admin）。SUBJECT 为主体密钥或证件
号码（放在请求体中由节点转换）。账本上只记录案件编号的 SHA-256：给出案件
编号由本地计算摘要，或直接给出其小写十六进制摘要。原因代码：
documents-lost（证件遗失）、documents-stolen（证件被盗）、impersonation
（他人冒用其名义申请信贷）、data-breach（身份信息泄露）。已有有效登记时
被拒绝（退出码 1）：请改为续期。

示例：
  blctl protect add 11010519491231002X --reason-code documents-stolen --case-ref "PSB-2026-0172"
  blctl protect add 3f5a0c...e9 --reason-code data-breach --case-ref-digest $(printf %s REF | sha256sum | cut -c1-64)
`,
	},
	"protect renew": {
		EN: `Usage: blctl protect renew SUBJECT [--id-type T]

Keeps the subject's protection in force for another full period from now
(its registrant or the association). An expired protection is registered
anew with 'blctl protect add'.

Example:
  blctl protect renew 3f5a0c...e9
`,
		ZH: `用法：blctl protect renew SUBJECT [--id-type T]

将主体的保护性登记从现在起再延长一个完整期限（登记方或协会）。已过期的
登记请用 'blctl protect add' 重新登记。

示例：
  blctl protect renew 3f5a0c...e9
`,
	},
	"protect rm": {
		EN: `Usage: blctl protect rm SUBJECT [--id-type T]

Ends the subject's protection now (its registrant or the association); it
stays in the history for the policy's retention.

Example:
  blctl protect rm 3f5a0c...e9
`,
		ZH: `用法：blctl protect rm SUBJECT [--id-type T]

立即结束主体的保护性登记（登记方或协会）；该登记在政策规定的保留期内仍
保留在历史记录中。

示例：
  blctl protect rm 3f5a0c...e9
`,
	},
	"protect list": {
		EN: `Usage: blctl protect list SUBJECT --purpose P [--id-type T]

Shows the subject's protection in force, if any, and every registration
still within retention (roles querier, admin). A read of the subject:
audited with its purpose.

Example:
  blctl protect list 11010519491231002X --purpose loan-approval
`,
		ZH: `用法：blctl protect list SUBJECT --purpose P [--id-type T]

显示主体当前有效的保护性登记（如有）以及保留期内的全部登记（角色 querier、
admin）。这是对主体的一次查询：连同用途记入审计。

示例：
  blctl protect list 11010519491231002X --purpose loan-approval
`,
	},
	"pool-stats": {
		EN: `Usage: blctl pool-stats FILE [--format table|csv]

Asks the node for the statistics of a pool of borrowers, for due diligence
before non-performing loans are securitised (role analyst, or the
association's admin; purpose abs-due-diligence). FILE (or - for stdin) is
NDJSON, one {"subjectKey":"..."} or {"idType":"cn-ric","idNumber":"..."} a
line, up to 1,000,000 lines; it is streamed to the node as it is read, with
progress on stderr. Identity numbers are turned into keys by the node and
forgotten; the request is audited as one entry with the pool's digest and
size.

The answer is aggregates only: pool size, listed and not listed, active
defaults per subject, defaults at other members, outstanding totals per
currency, days past due, products, disputed and protected shares, and
first-overdue quarters. Cells counting fewer subjects than the policy's
minimum (default 10), or that would give such a cell away, are suppressed.
A pool that differs from one of your member's recent pools in fewer than
the minimum count of subjects is refused (exit 1): two such pools would
tell one borrower's status by their difference.

--format csv prints one row a cell (figure, bucket, count, share,
suppressed, total) for a spreadsheet; --output json the node's answer.

Examples:
  blctl pool-stats npl-pool-2026q4.ndjson
  blctl pool-stats --format csv npl-pool-2026q4.ndjson > pool.csv
`,
		ZH: `用法：blctl pool-stats FILE [--format table|csv]

在不良资产证券化之前的尽职调查中，向节点查询一个借款人资产池的统计数据
（角色 analyst，或协会的 admin；用途 abs-due-diligence）。FILE（- 表示
stdin）为 NDJSON，每行一个 {"subjectKey":"..."} 或
{"idType":"cn-ric","idNumber":"..."}，最多 1,000,000 行；边读边以流的方式
发送给节点，进度显示在 stderr。证件号码由节点转换为密钥后即丢弃；该请求
作为一条审计记录（含资产池的摘要和人数）记入审计。

应答只有汇总数据：资产池人数、已列入与未列入人数、每人有效违约笔数、在
其他成员处的违约、各币种未结总额、逾期天数、产品、有异议与有保护性登记的
占比，以及首次逾期季度。人数少于政策规定的最小计数（默认 10）的单元格，
以及可推算出这类单元格的单元格，均被隐藏。如资产池与本成员近期查询过的某个
资产池相差的主体少于最小计数，则被拒绝（退出码 1）：两个这样的资产池之差
会暴露某一借款人的状态。

--format csv 为每个单元格输出一行（figure、bucket、count、share、
suppressed、total），便于导入电子表格；--output json 输出节点的应答。

示例：
  blctl pool-stats npl-pool-2026q4.ndjson
  blctl pool-stats --format csv npl-pool-2026q4.ndjson > pool.csv
`,
	},
}

// summaryTexts are the one-line descriptions in a parent's command list.
var summaryTexts = map[string]bilingual{
	"alerts":             {"list alerts on watched subjects, or follow them as raised", "列出被监控主体的预警，或在预警产生时持续跟踪"},
	"attestation":        {"show one attestation", "显示一份证明"},
	"audit":              {"read, export and verify the query audit log", "读取、导出和校验查询审计日志"},
	"dispute":            {"open, list and resolve disputes", "提出、列出和处理异议"},
	"dispute list":       {"list disputes [--state S]", "列出异议 [--state S]"},
	"dispute open":       {"open a dispute against a default", "对一笔违约提出异议"},
	"dispute resolve":    {"resolve a dispute: ID --outcome --note", "处理一项异议：ID --outcome --note"},
	"keygen":             {"create an ES256 signing key pair (local, no server)", "生成 ES256 签名密钥对（本地，不连接服务器）"},
	"lookup":             {"look up subjects' blacklist status", "查询主体的黑名单状态"},
	"members":            {"list, show, admit, suspend, reinstate, expel members; add and revoke keys", "列出、显示、接纳、暂停、恢复、除名成员；登记和吊销密钥"},
	"members add-key":    {"register a signing key: MSP --kid --pubkey FILE", "登记签名密钥：MSP --kid --pubkey FILE"},
	"members admit":      {"admit a new member (admin)", "接纳新成员（admin）"},
	"members expel":      {"expel a member for good: MSP --reason (admin)", "永久除名成员：MSP --reason（admin）"},
	"members list":       {"list all members", "列出全部成员"},
	"members reinstate":  {"reinstate a suspended member: MSP --reason (admin)", "恢复被暂停的成员：MSP --reason（admin）"},
	"members revoke-key": {"revoke a signing key: MSP KID [--reason]", "吊销签名密钥：MSP KID [--reason]"},
	"members show":       {"show one member and its keys: MSP", "显示一个成员及其密钥：MSP"},
	"members suspend":    {"suspend a member: MSP --reason (admin)", "暂停成员：MSP --reason（admin）"},
	"policy":             {"show or set the association's listing policy", "显示或设置协会的列入政策"},
	"policy set":         {"replace the policy (admin)", "替换政策（admin）"},
	"policy show":        {"show the current policy", "显示当前政策"},
	"sign":               {"sign one attestation payload (local, no server)", "签署一份证明载荷（本地，不连接服务器）"},
	"subject-key":        {"turn an identity number into a subject key", "将证件号码转换为主体密钥"},
	"submit":             {"submit attestations from an NDJSON or CSV file, resumably", "从 NDJSON 或 CSV 文件提交证明，可断点续传"},
	"watch":              {"watch subjects for alerts: import a loan book, add, rm, list", "监控主体以获取预警：导入贷款台账、add、rm、list"},
	"watch add":          {"watch one subject: KEY [--label L]", "监控一个主体：KEY [--label L]"},
	"watch import":       {"import a loan book: FILE|- (NDJSON or CSV)", "导入贷款台账：FILE|-（NDJSON 或 CSV）"},
	"watch list":         {"list the watchlist [--all]", "列出监控名单 [--all]"},
	"watch rm":           {"stop watching a subject: KEY", "停止监控一个主体：KEY"},
	"webhook":            {"set, show or remove the webhook alerts are sent to", "设置、显示或删除接收预警的 Webhook"},
	"webhook rm":         {"stop sending alerts", "停止发送预警"},
	"webhook set":        {"send alerts to a URL: --url --secret-file F", "向一个 URL 发送预警：--url --secret-file F"},
	"webhook show":       {"show the webhook and its delivery state", "显示 Webhook 及其送达状态"},
	// evidence (issue 13)
	"evidence":        {"verify court evidence bundles offline", "离线校验诉讼证据包"},
	"evidence verify": {"check a bundle against a trust root, print the transcript", "对照信任根校验证据包并输出校验记录"},
	"protect":         {"protective registration of identity-theft victims: add, renew, rm, list", "身份盗用受害者的保护性登记：add、renew、rm、list"},
	"protect add":     {"register a protection: SUBJECT --reason-code --case-ref", "办理保护性登记：SUBJECT --reason-code --case-ref"},
	"protect list":    {"show a subject's protections: SUBJECT --purpose", "显示主体的保护性登记：SUBJECT --purpose"},
	"protect renew":   {"renew a protection for another period: SUBJECT", "将保护性登记再续一个期限：SUBJECT"},
	"protect rm":      {"end a protection now: SUBJECT", "立即结束保护性登记：SUBJECT"}, "pool-stats": {"statistics of a pool of borrowers for ABS due diligence: FILE", "资产池借款人统计（资产证券化尽职调查）：FILE"},
}

// flagTexts are the flags' descriptions, by "PATH --flag"; see flagText.
var flagTexts = map[string]bilingual{
	"--api-key":                        {"API key", "API 密钥"},
	"--field":                          {"print only this member of the json answer", "只输出 json 应答中的这一成员"},
	"--format":                         {"auto (by extension), ndjson or csv", "auto（按扩展名）、ndjson 或 csv"},
	"--full-ids":                       {"show whole ids and keys in tables", "表格中显示完整的编号和密钥"},
	"--lang":                           {"en or zh (default: from LANG)", "en 或 zh（默认取自 LANG）"},
	"--output":                         {"table or json", "table 或 json"},
	"--purpose":                        {"why: loan-approval, post-loan, guarantor-check or dispute-handling", "用途：loan-approval、post-loan、guarantor-check 或 dispute-handling"},
	"--server":                         {"node API base URL", "节点 API 的基础 URL"},
	"--timeout":                        {"limit for each HTTP request", "每个 HTTP 请求的时限"},
	"alerts --after":                   {"only alerts with a greater id", "只列出编号大于此值的预警"},
	"alerts --follow":                  {"keep printing alerts as they are raised, until interrupted", "预警产生时持续输出，直到被中断"},
	"alerts --wait":                    {"when there is no alert yet, wait up to this long for one (e.g. 10s)", "尚无预警时，最多等待这么久（如 10s）"},
	"audit --from":                     {"only lookups at or after this RFC 3339 time", "只列出在此 RFC 3339 时间或之后的查询"},
	"audit --member":                   {"only lookups by this member", "只列出此成员的查询"},
	"audit --subject":                  {"only lookups of this subject key", "只列出对此主体密钥的查询"},
	"audit --to":                       {"only lookups before this RFC 3339 time", "只列出在此 RFC 3339 时间之前的查询"},
	"audit export --after":             {"export entries after this chain position", "只导出此链位置之后的条目"},
	"audit export --member":            {"whose chain (association clients only; default your own member)", "谁的链（仅限协会的客户端；默认为本成员）"},
	"audit export --out":               {"file to write (- for stdout)", "要写入的文件（- 表示 stdout）"},
	"audit verify --log":               {"exported audit chain (NDJSON; - for stdin)", "导出的审计链（NDJSON；- 表示 stdin）"},
	"audit verify --member":            {"whose chain (default: the member of the log's entries)", "谁的链（默认：日志条目所属的成员）"},
	"dispute list --state":             {"open, upheld, rejected or overdue", "open、upheld、rejected 或 overdue"},
	"dispute open --attestation":       {"id of the disputed default", "被提出异议的违约的编号"},
	"dispute open --reason-code":       {"not-mine, amount-wrong, already-paid, no-notice, dates-wrong or other", "not-mine、amount-wrong、already-paid、no-notice、dates-wrong 或 other"},
	"dispute open --statement-digest":  {"hex SHA-256 of the statement", "陈述的十六进制 SHA-256"},
	"dispute open --statement-file":    {"the subject's statement, hashed locally", "主体的陈述文件，在本地计算摘要"},
	"dispute resolve --note":           {"explanation, recorded on the ledger", "说明，记入账本"},
	"dispute resolve --outcome":        {"upheld or rejected", "upheld 或 rejected"},
	"keygen --out":                     {"path prefix of the two files to write", "要写入的两个文件的路径前缀"},
	"lookup --fail-if-listed":          {"exit 4 if any subject is listed", "任一主体已列入时以退出码 4 结束"},
	"lookup --file":                    {"file of subject keys or identity numbers, one per line (- for stdin)", "主体密钥或证件号码文件，每行一个（- 表示 stdin）"},
	"lookup --id-number":               {"one identity number to look up (turned into its key on the node, never stored)", "要查询的一个证件号码（由节点转换为主体密钥，从不保存）"},
	"lookup --id-type":                 {"the type of --id-number and of plain identity numbers in --file: cn-ric or passport", "--id-number 以及 --file 中纯证件号码的类型：cn-ric 或 passport"},
	"members --reason":                 {"why (recorded on the ledger)", "原因（记入账本）"},
	"members add-key --kid":            {"key id", "密钥编号"},
	"members add-key --pubkey":         {"PEM public key file", "PEM 公钥文件"},
	"members admit --credit-code":      {"unified social credit code", "统一社会信用代码"},
	"members admit --kid":              {"key id of --pubkey", "--pubkey 的密钥编号"},
	"members admit --legal-name":       {"registered legal name", "登记的机构名称"},
	"members admit --msp":              {"the member's MSP id", "成员的 MSP 编号"},
	"members admit --pubkey":           {"PEM public key file of a first signing key", "第一个签名密钥的 PEM 公钥文件"},
	"members admit --roles":            {"comma-separated: reporter, querier", "逗号分隔：reporter、querier"},
	"members revoke-key --reason":      {"why (optional)", "原因（可选）"},
	"policy set --daily-derivations":   {"raw-ID derivations per member and day (0: the default, 10000)", "每成员每日证件号码转换次数（0：默认值 10000）"},
	"policy set --daily-lookups":       {"subjects looked up per member and day (0: the default, 200000)", "每成员每日查询的主体数（0：默认值 200000）"},
	"policy set --dispute-answer-days": {"days a reporter has to answer a dispute", "报送机构答复异议的天数"},
	"policy set --min-amount":          {"CUR=MINOR_UNITS: minimum outstanding amount per currency (repeatable)", "CUR=MINOR_UNITS：各币种的最低未结金额（可重复）"},
	"policy set --min-days-past-due":   {"days past due from which a default counts", "违约从逾期多少天起计入"},
	"policy set --retention-years":     {"years a closed default stays visible", "已关闭的违约保留可见的年数"},
	"sign --in":                        {"payload JSON file, or - for stdin", "载荷 JSON 文件，或 - 表示 stdin"},
	"sign --key":                       {"PEM private key file (PKCS#8 or SEC 1)", "PEM 私钥文件（PKCS#8 或 SEC 1）"},
	"sign --kid":                       {"key id registered for the key", "该密钥登记的密钥编号"},
	"subject-key --id-number":          {"the identity number, or - to read it from stdin", "证件号码，或 - 表示从 stdin 读取"},
	"subject-key --id-type":            {"cn-ric or passport", "cn-ric 或 passport"},
	"subject-key --secret-file":        {"hex consortium secret file: derive locally", "十六进制联盟密钥文件：在本地推导"},
	"submit --batch":                   {"attestations per request, 1 to 1000", "每个请求的证明数，1 到 1000"},
	"submit --key":                     {"PEM private key: sign locally (with --kid)", "PEM 私钥：在本地签署（与 --kid 一起使用）"},
	"submit --kid":                     {"key id registered for --key", "--key 登记的密钥编号"},
	"submit --rejected":                {"rejected lines file (default FILE.rejected.ndjson, or STATE.rejected.ndjson for stdin)", "被拒绝行的文件（默认 FILE.rejected.ndjson，从 stdin 读取时为 STATE.rejected.ndjson）"},
	"submit --state":                   {"state file (default FILE.blctl-state; required for stdin)", "状态文件（默认 FILE.blctl-state；从 stdin 读取时必须给出）"},
	"watch add --label":                {"your reference for the subject, e.g. a customer number", "您对该主体的参考信息，如客户号"},
	"watch list --after":               {"start after this subject key", "从此主体密钥之后开始"},
	"watch list --all":                 {"follow every page to the end", "一直翻页到末尾"},
	"watch list --limit":               {"entries per page, 1 to 1000", "每页条目数，1 到 1000"},
	"webhook set --secret-file":        {"file holding the shared secret (- for stdin; default: $BLACKLIST_WEBHOOK_SECRET)", "存放共享密钥的文件（- 表示 stdin；默认：$BLACKLIST_WEBHOOK_SECRET）"},
	"webhook set --url":                {"where the node POSTs alerts (http or https)", "节点 POST 预警的地址（http 或 https）"},
	// evidence (issue 13)
	"evidence verify --trust-root":  {"trust root file from the association (JSON)", "从协会取得的信任根文件（JSON）"},
	"protect add --reason-code":     {"documents-lost, documents-stolen, impersonation or data-breach", "documents-lost、documents-stolen、impersonation 或 data-breach"},
	"protect add --case-ref":        {"your case reference, hashed here (only its SHA-256 is sent)", "案件编号，在本地计算摘要（只发送其 SHA-256）"},
	"protect add --case-ref-digest": {"hex SHA-256 of your case reference", "案件编号的十六进制 SHA-256"},
	"protect add --id-type":         {"the type of an identity number SUBJECT: cn-ric or passport", "证件号码形式的 SUBJECT 的类型：cn-ric 或 passport"},
	"protect renew --id-type":       {"the type of an identity number SUBJECT: cn-ric or passport", "证件号码形式的 SUBJECT 的类型：cn-ric 或 passport"},
	"protect rm --id-type":          {"the type of an identity number SUBJECT: cn-ric or passport", "证件号码形式的 SUBJECT 的类型：cn-ric 或 passport"},
	"protect list --id-type":        {"the type of an identity number SUBJECT: cn-ric or passport", "证件号码形式的 SUBJECT 的类型：cn-ric 或 passport"}, "pool-stats --format": {"table or csv (one row a cell)", "table 或 csv（每个单元格一行）"},
}
