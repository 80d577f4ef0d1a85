package gateway

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/internal/l10n"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/stats"
)

// The association-wide statistics (node/stats): GET /v1/statistics, for
// the association's admins and auditors. A query that cannot be answered
// is a 400 whose type says which part is wrong.

// Problem codes of a bad statistics query (the same as stats' codes).
const (
	CodeBadDate        = stats.CodeBadDate
	CodeBadRange       = stats.CodeBadRange
	CodeBadGranularity = stats.CodeBadGranularity
)

func init() {
	for _, p := range []struct {
		code, title, zhTitle, about, zhAbout string
	}{
		{CodeBadDate, "Missing or malformed date", "日期缺失或格式错误",
			"from and to are calendar dates, YYYY-MM-DD (Asia/Shanghai).", "from 与 to 须为日历日期，格式 YYYY-MM-DD（北京时间）。"},
		{CodeBadRange, "Date range not allowed", "日期范围无效",
			"to is before from, or the range is longer than the node answers at once.", "to 早于 from，或范围超出单次可查询的天数。"},
		{CodeBadGranularity, "Unknown granularity", "未知的统计周期",
			"by is week or month.", "by 须为 week 或 month。"},
	} {
		titles[p.code], statuses[p.code] = p.title, http.StatusBadRequest
		l10n.Register(l10n.Entry{Key: "problem.title." + p.code, EN: p.title, ZH: p.zhTitle},
			l10n.Entry{Key: "problem.about." + p.code, EN: p.about, ZH: p.zhAbout})
	}
}

// statistics answers GET /v1/statistics?from=&to=&by=week|month.
func (s *server) statistics(c *gin.Context) {
	q := node.StatisticsQuery{From: c.Query("from"), To: c.Query("to"), Granularity: stats.Granularity(c.Query("by"))}
	out, err := s.node.Statistics(c.Request.Context(), client(c), q)
	var qe *stats.QueryError
	if errors.As(err, &qe) {
		fail(c, qe.Code, qe.Error())
		return
	}
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
