package gateway

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/gateway/problem"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// attestationItem is one attestation in a request: signed by the bank, or
// a payload for the node to sign with its member's key.
type attestationItem struct {
	JWS         string               `json:"jws,omitempty"`
	Attestation *attestation.Payload `json:"attestation,omitempty"`
}

// submitResponse is the answer to a single submit.
type submitResponse struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Status string `json:"status"`
	Height uint64 `json:"height"`
	TxID   string `json:"txId"`
}

type batchRequest struct {
	Items []attestationItem `json:"items"`
}

type batchResponse struct {
	contract.SubmitResult
	Height uint64 `json:"height"`
	TxID   string `json:"txId"`
}

// jws returns the item's signed form, signing for the client's member when
// the bank sent a bare payload. Missing v, reporter and issuedAt are filled
// in; a reporter naming another member is refused by Sign.
func (s *server) jws(c *gin.Context, it attestationItem) (string, *problem.Item) {
	switch {
	case it.JWS != "" && it.Attestation == nil:
		return it.JWS, nil
	case it.JWS == "" && it.Attestation != nil:
		p := *it.Attestation
		if p.V == 0 {
			p.V = 1
		}
		if p.Reporter == "" {
			p.Reporter = client(c).Member
		}
		if p.IssuedAt == "" {
			p.IssuedAt = time.Now().UTC().Format(time.RFC3339)
		}
		if err := p.Validate(); err != nil {
			return "", &problem.Item{Code: attestation.CodeInvalidPayload, Message: err.Error()}
		}
		jws, _, err := s.node.Sign(client(c).Member, &p)
		if errors.Is(err, node.ErrForeignReporter) {
			return "", &problem.Item{Code: contract.CodeForbidden, Message: err.Error()}
		}
		if err != nil {
			return "", &problem.Item{Code: contract.CodeFailedPrecondition, Message: err.Error()}
		}
		return jws, nil
	default:
		return "", &problem.Item{Code: CodeMalformedRequest, Message: `give exactly one of "jws" and "attestation"`}
	}
}

// itemCode is the problem code of a single rejected attestation: the
// ledger's refusal codes that name a relation (who may, what exists) keep
// their own status, every other reason is 422.
func itemCode(code string) string {
	switch code {
	case contract.CodeForbidden, contract.CodeConflict, contract.CodeNotFound, contract.CodeFailedPrecondition, CodeMalformedRequest:
		return code
	}
	return CodeRejected
}

func (s *server) submitOne(c *gin.Context) {
	var it attestationItem
	if !bind(c, &it) {
		return
	}
	jws, bad := s.jws(c, it)
	if bad != nil {
		fail(c, itemCode(bad.Code), bad.Message, *bad)
		return
	}
	var r contract.SubmitResult
	res, ok := s.submit(c, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}, &r)
	if !ok {
		return
	}
	item := r.Results[0]
	s.metrics.submits.WithLabelValues(item.Status).Inc()
	switch item.Status {
	case contract.ItemRejected:
		fail(c, itemCode(item.Code), item.Message, problem.Item{Index: 0, Code: item.Code, Message: item.Message})
	case contract.ItemDuplicate:
		c.JSON(http.StatusOK, submitResponse{ID: item.ID, Type: item.Type, Status: item.Status, Height: res.Height, TxID: res.TxID})
	default:
		c.JSON(http.StatusCreated, submitResponse{ID: item.ID, Type: item.Type, Status: item.Status, Height: res.Height, TxID: res.TxID})
	}
}

// submitBatch puts up to MaxBatch attestations in one ledger transaction.
// Items the node cannot even sign are reported with the ledger's results,
// at their own index.
func (s *server) submitBatch(c *gin.Context) {
	var req batchRequest
	if !bind(c, &req) {
		return
	}
	if len(req.Items) == 0 {
		fail(c, contract.CodeInvalidArgument, "items: at least one attestation")
		return
	}
	if len(req.Items) > MaxBatch {
		fail(c, CodeTooManyItems, "items: at most "+strconv.Itoa(MaxBatch)+" per request, got "+strconv.Itoa(len(req.Items)))
		return
	}
	var signed []string
	var index []int
	results := make([]contract.ItemResult, len(req.Items))
	for i, it := range req.Items {
		jws, bad := s.jws(c, it)
		if bad != nil {
			results[i] = contract.ItemResult{Index: i, Status: contract.ItemRejected, Code: bad.Code, Message: bad.Message}
			continue
		}
		signed, index = append(signed, jws), append(index, i)
	}
	out := batchResponse{}
	if len(signed) > 0 {
		var r contract.SubmitResult
		res, ok := s.submit(c, "SubmitAttestations", contract.SubmitRequest{Attestations: signed}, &r)
		if !ok {
			return
		}
		out.Height, out.TxID = res.Height, res.TxID
		for j, item := range r.Results {
			item.Index = index[j]
			results[index[j]] = item
		}
	}
	out.Results = results
	for _, r := range results {
		s.metrics.submits.WithLabelValues(r.Status).Inc()
		switch r.Status {
		case contract.ItemAccepted:
			out.Accepted++
		case contract.ItemDuplicate:
			out.Duplicates++
		default:
			out.Rejected++
		}
	}
	c.JSON(http.StatusOK, out)
}

type attestationResponse struct {
	contract.AttestationView
	AsOf uint64 `json:"asOf"`
}

func (s *server) getAttestation(c *gin.Context) {
	var v contract.AttestationView
	if h, ok := s.evaluate(c, "GetAttestation", contract.IDRequest{ID: c.Param("id")}, &v); ok {
		c.JSON(http.StatusOK, attestationResponse{AttestationView: v, AsOf: h})
	}
}
