// Help texts and table labels of blctl stats and blctl rules, in English
// and Simplified Chinese (see help.go); kept beside helptexts.go and added
// to its tables at start, so the two features' texts stay together.

package main

import "github.com/assoc-ledger/blacklist/internal/l10n"

func init() {
	for k, v := range map[string]bilingual{
		"stats": {
			EN: `Usage: blctl stats [--from DATE] [--to DATE] [--by week|month] [--format table|csv]

The association-wide statistics (GET /v1/statistics; the association's
admins and auditors only): per ISO week or month, the new defaults,
settlements and revocations; new defaults by the number of members reporting
the subject (1, 2, 3+), the early warning of industry-wide waves of
defaults; disputes opened, answered and overdue; subjects looked up. Then
the subjects listed now and the open disputes. Days are Asia/Shanghai
calendar days; the default range is the last twelve months.
--output json prints the whole answer, with the figures by member and by
product, and per day.

Examples:
  blctl stats
  blctl stats --from 2026-01-01 --to 2026-03-31 --by week
  blctl stats --format csv > stats.csv
`,
			ZH: `用法：blctl stats [--from DATE] [--to DATE] [--by week|month] [--format table|csv]

协会全行业统计（GET /v1/statistics；仅限协会的 admin 与 auditor）：按 ISO 周
或自然月列出新增违约、结清与撤销；按报送该主体的成员数（1、2、3 家及以上）
划分的新增违约，用于预警行业波动导致的批量违约；异议的提出、答复与逾期数；
被查询的主体数。随后列出当前列入的主体数与未结异议数。日期按北京时间计；
默认范围为最近十二个月。--output json 输出完整应答，含按成员、按产品及按日
的数字。

示例：
  blctl stats
  blctl stats --from 2026-01-01 --to 2026-03-31 --by week
  blctl stats --format csv > stats.csv
`,
		},
		"rules": {
			EN: `Usage: blctl rules SUBCOMMAND [flags]

Alert rules propose a handling plan for each alert (roles querier,
reporter): an ordered list of rules, each a CEL expression over the alert
(alert.kind, alert.reporter, ...), the subject's status when the alert is
raised (status.reporters, status.activeDefaults, status.outstanding,
status.disputed, ...) and your watchlist entry (watch.label), with a plan:
a code, a priority (critical, high, medium, low) and a text. The plan of the
first rule that is true is attached to the alert (API, stream, webhook).
The node checks every rule when it is saved: syntax, fields and types, and
a bound on its cost; a mistake is reported with its line and column.

A rules file:
  {"rules": [
    {"name": "wave on cards",
     "when": "alert.kind == \"default\" && status.reporters >= 2 && watch.label.startsWith(\"card-\")",
     "plan": {"code": "freeze-limit", "priority": "critical", "text": "Freeze the card limit today"}}]}

Subcommands:
%s
Examples:
  blctl rules set rules.json
  blctl rules get --output json > rules.json
  blctl rules test rules.json --alert sample-alert.json

Run 'blctl rules SUBCOMMAND --help' for its flags.
`,
			ZH: `用法：blctl rules SUBCOMMAND [flags]

预警规则为每条预警给出处置方案（角色 querier、reporter）：一组有序规则，
每条是一个 CEL 表达式，可引用预警（alert.kind、alert.reporter 等）、预警产生
时主体的状态（status.reporters、status.activeDefaults、status.outstanding、
status.disputed 等）以及您的监控名单条目（watch.label），并附一个处置方案：
代码、优先级（critical、high、medium、low）和说明。第一条为真的规则的方案
会附在预警上（API、推送流、Webhook）。节点在保存时检查每条规则：语法、
字段与类型，以及成本上限；错误会标明行号和列号。

规则文件：
  {"rules": [
    {"name": "wave on cards",
     "when": "alert.kind == \"default\" && status.reporters >= 2 && watch.label.startsWith(\"card-\")",
     "plan": {"code": "freeze-limit", "priority": "critical", "text": "Freeze the card limit today"}}]}

子命令：
%s
示例：
  blctl rules set rules.json
  blctl rules get --output json > rules.json
  blctl rules test rules.json --alert sample-alert.json

运行 'blctl rules SUBCOMMAND --help' 查看其参数。
`,
		},
		"rules set": {
			EN: `Usage: blctl rules set FILE|-

Replaces your member's alert rules with those in FILE (PUT /v1/alert-rules)
and prints them. The whole file is refused if any rule has a mistake (exit
1, each mistake with its rule, field, line and column); nothing is saved
then. A file with an empty list removes the rules.

Examples:
  blctl rules set rules.json
  echo '{"rules": []}' | blctl rules set -
`,
			ZH: `用法：blctl rules set FILE|-

用 FILE 中的规则替换本成员的预警规则（PUT /v1/alert-rules）并输出。任一规则
有错误时整份文件被拒绝（退出码 1，每个错误标明规则、字段、行号和列号），
此时不保存任何内容。规则列表为空的文件会删除全部规则。

示例：
  blctl rules set rules.json
  echo '{"rules": []}' | blctl rules set -
`,
		},
		"rules get": {
			EN: `Usage: blctl rules get

Prints your member's alert rules in order (GET /v1/alert-rules); with
--output json, a file that rules set takes back.

Examples:
  blctl rules get
  blctl --output json rules get > rules.json
`,
			ZH: `用法：blctl rules get

按顺序输出本成员的预警规则（GET /v1/alert-rules）；使用 --output json 时
输出的文件可直接交给 rules set。

示例：
  blctl rules get
  blctl --output json rules get > rules.json
`,
		},
		"rules test": {
			EN: `Usage: blctl rules test FILE --alert SAMPLE

Checks the rules in FILE and evaluates them against SAMPLE offline, with
the node's own rule code and limits (no server is asked). SAMPLE is an
alert as the API or a webhook gives it, or {"alert": ALERT, "status":
STATUS, "watch": {"label": L}} with the subject's status as a lookup
answers it. Prints the plan of the first rule that is true, or that none
is; a rule that cannot be evaluated (over the cost limit, a missing map
key) is reported and skipped. Exit 1 when FILE has a mistake.

Examples:
  blctl rules test rules.json --alert sample-alert.json
  blctl --output json rules test rules.json --alert sample-alert.json
`,
			ZH: `用法：blctl rules test FILE --alert SAMPLE

离线检查 FILE 中的规则，并用节点本身的规则代码与限额对 SAMPLE 求值（不连接
服务器）。SAMPLE 可以是 API 或 Webhook 给出的一条预警，也可以是
{"alert": ALERT, "status": STATUS, "watch": {"label": L}}，其中主体状态取查询
应答的格式。输出第一条为真的规则的处置方案，或说明没有规则匹配；无法求值的
规则（超出成本上限、映射中缺少键）会被报告并跳过。FILE 有错误时退出码为 1。

示例：
  blctl rules test rules.json --alert sample-alert.json
  blctl --output json rules test rules.json --alert sample-alert.json
`,
		},
	} {
		usageTexts[k] = v
	}
	for k, v := range map[string]bilingual{
		"stats":      {"association-wide statistics per week or month (association)", "按周或按月的协会全行业统计（协会）"},
		"rules":      {"alert rules that propose a handling plan: set, get, test", "为预警生成处置方案的规则：set、get、test"},
		"rules set":  {"replace your alert rules: FILE|-", "替换预警规则：FILE|-"},
		"rules get":  {"show your alert rules", "显示预警规则"},
		"rules test": {"evaluate a rules file against a sample alert, offline: FILE --alert SAMPLE", "离线用样例预警检验规则文件：FILE --alert SAMPLE"},
	} {
		summaryTexts[k] = v
	}
	for k, v := range map[string]bilingual{
		"stats --from":       {"first day, YYYY-MM-DD (default: the month eleven months ago)", "起始日期，YYYY-MM-DD（默认：十一个月前的当月一日）"},
		"stats --to":         {"last day, YYYY-MM-DD (default: today)", "截止日期，YYYY-MM-DD（默认：今天）"},
		"stats --by":         {"week or month", "week 或 month"},
		"stats --format":     {"table or csv", "table 或 csv"},
		"rules test --alert": {"sample alert JSON file (as the API gives it), or - for stdin", "样例预警 JSON 文件（API 给出的格式），或 - 表示 stdin"},
	} {
		flagTexts[k] = v
	}
	for en, zh := range map[string]string{
		"PERIOD": "周期", "DEFAULTS": "新增违约", "SETTLEMENTS": "结清", "REVOCATIONS": "撤销",
		"1 REPORTER": "1 家报送", "2 REPORTERS": "2 家报送", "3+ REPORTERS": "3 家及以上",
		"DISPUTES OPENED": "提出异议", "ANSWERED": "已答复", "OVERDUE": "逾期", "LOOKUPS": "查询",
	} {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
	for en, zh := range map[string]string{"listed now": "当前列入", "open disputes": "未结异议",
		"#": "#", "NAME": "名称", "CODE": "代码", "PRIORITY": "优先级", "WHEN": "条件",
		"rule": "规则", "code": "代码", "priority": "优先级", "text": "说明"} {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
	l10n.Register(
		l10n.Entry{Key: "cli.rules.skipped", EN: "rules[%d] (%s) skipped: %s", ZH: "已跳过 rules[%d]（%s）：%s"},
		l10n.Entry{Key: "cli.rules.nomatch", EN: "no rule matched (of %d): the alert gets no plan", ZH: "%d 条规则均未匹配：该预警没有处置方案"},
	)
}
