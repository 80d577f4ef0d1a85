package gateway

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/internal/l10n"
	"github.com/assoc-ledger/blacklist/node/rules"
)

// The member's alert rules (node/rules): GET and PUT /v1/alert-rules,
// roles reporter and querier. A set that does not compile is refused
// whole with 422 invalid-rules, one item per mistake with the rule's
// index, the field, the kind of mistake as its code and, in an
// expression, the line and column.

// CodeInvalidRules: alert rules that do not compile.
const CodeInvalidRules = "invalid-rules"

func init() {
	titles[CodeInvalidRules], statuses[CodeInvalidRules] = "Alert rules refused", http.StatusUnprocessableEntity
	l10n.Register(l10n.Entry{Key: "problem.title." + CodeInvalidRules, EN: "Alert rules refused", ZH: "预警规则未通过检查"},
		l10n.Entry{Key: "problem.about." + CodeInvalidRules, EN: "A rule does not parse, type-check or stay within the cost limit, or a name or plan is not allowed; nothing was saved.",
			ZH: "有规则无法解析、类型检查未通过或超出成本上限，或名称、处置方案不合要求；未保存任何内容。"})
}

func (s *server) getAlertRules(c *gin.Context) {
	set, err := s.node.AlertRules(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, set)
}

func (s *server) setAlertRules(c *gin.Context) {
	var set rules.Set
	if !bind(c, &set) {
		return
	}
	out, err := s.node.SetAlertRules(c.Request.Context(), client(c), set)
	var es rules.Errors
	if errors.As(err, &es) {
		items := make([]problem.Item, len(es))
		for i, e := range es {
			items[i] = problem.Item{Index: e.Index, Code: e.Kind, Message: e.Msg, Field: e.Field, Line: e.Line, Column: e.Column}
		}
		fail(c, CodeInvalidRules, es.Error(), items...)
		return
	}
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
