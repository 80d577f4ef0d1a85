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
	} {
		usageTexts[k] = v
	}
	for k, v := range map[string]bilingual{
		"stats": {"association-wide statistics per week or month (association)", "按周或按月的协会全行业统计（协会）"},
	} {
		summaryTexts[k] = v
	}
	for k, v := range map[string]bilingual{
		"stats --from":   {"first day, YYYY-MM-DD (default: the month eleven months ago)", "起始日期，YYYY-MM-DD（默认：十一个月前的当月一日）"},
		"stats --to":     {"last day, YYYY-MM-DD (default: today)", "截止日期，YYYY-MM-DD（默认：今天）"},
		"stats --by":     {"week or month", "week 或 month"},
		"stats --format": {"table or csv", "table 或 csv"},
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
	for en, zh := range map[string]string{"listed now": "当前列入", "open disputes": "未结异议"} {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
}
