package gateway

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/pool"
)

// poolRoute streams its body like the watchlist import, with the same
// limit (MaxImportBytes).
const poolRoute = "/v1/pool-statistics"

// poolStatistics is POST /v1/pool-statistics?purpose=abs-due-diligence: an
// NDJSON pool streamed to the node, which decodes it as it arrives (the
// gateway holds no line of it), answered with aggregates only.
func (s *server) poolStatistics(c *gin.Context) {
	// Another content type is refused where the node reads the pool: after
	// its capability and purpose checks, so that a client that may not ask
	// hears 403 first, and the refusal is audited.
	var body io.Reader = c.Request.Body
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
	default:
		body = notNDJSON{}
	}
	rc := http.NewResponseController(c.Writer)
	extend := func(int) {
		_ = rc.SetReadDeadline(time.Now().Add(importReadWindow))
		_ = rc.SetWriteDeadline(time.Now().Add(2 * importReadWindow))
	}
	extend(0)
	rep, err := s.node.PoolStatistics(c.Request.Context(), client(c), c.Query("purpose"), body, extend)
	if err != nil {
		var tooBig *http.MaxBytesError
		var le *pool.LineError
		var oe *pool.OverlapError
		switch {
		case errors.Is(err, pool.ErrNotNDJSON):
			fail(c, CodeUnsupportedMedia, "send the pool as application/x-ndjson: one {\"subjectKey\"} or {\"idType\",\"idNumber\"} a line")
		case errors.As(err, &tooBig):
			fail(c, CodePayloadTooLarge, fmt.Sprintf("a pool is at most %d bytes (the node's --max-import)", tooBig.Limit))
		case errors.As(err, &le), errors.Is(err, pool.ErrEmpty):
			fail(c, contract.CodeInvalidArgument, err.Error()+"; nothing was computed")
		case errors.Is(err, pool.ErrTooMany):
			fail(c, CodeTooManyItems, err.Error())
		case errors.As(err, &oe):
			fail(c, contract.CodeConflict, err.Error())
		case errors.Is(err, node.ErrNoSnapshot):
			fail(c, CodeUnavailable, err.Error())
		default:
			failErr(c, err)
		}
		return
	}
	c.JSON(http.StatusOK, rep)
}

// notNDJSON is the body of a pool request of another content type.
type notNDJSON struct{}

func (notNDJSON) Read([]byte) (int, error) { return 0, pool.ErrNotNDJSON }
