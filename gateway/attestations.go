package gateway

import (
	"net/http"
	"strconv"

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
	// Listed and BelowThreshold: for a default, whether it lists its
	// subject and, if not, the minimum it missed (contract.ItemResult).
	Listed         *bool               `json:"listed,omitempty"`
	BelowThreshold *contract.Threshold `json:"belowThreshold,omitempty"`
	// Warnings: accepted, but for the reporter to check (a default on a
	// subject under protective registration).
	Warnings []string `json:"warnings,omitempty"`
}

type batchRequest struct {
	Items []attestationItem `json:"items"`
}

type batchResponse struct {
	contract.SubmitResult
	Height uint64 `json:"height"`
	TxID   string `json:"txId"`
}

// input is the node's form of a request item.
func (it attestationItem) input() node.AttestationInput {
	return node.AttestationInput{JWS: it.JWS, Payload: it.Attestation}
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
	out, err := s.node.Submit(c.Request.Context(), client(c), []node.AttestationInput{it.input()})
	if err != nil {
		failErr(c, err)
		return
	}
	item := out.Results[0]
	s.metrics.submits.WithLabelValues(item.Status).Inc()
	switch item.Status {
	case contract.ItemRejected:
		fail(c, itemCode(item.Code), item.Message, problem.Item{Index: 0, Code: item.Code, Message: item.Message})
	default:
		status := http.StatusCreated
		if item.Status == contract.ItemDuplicate {
			status = http.StatusOK
		}
		c.JSON(status, submitResponse{ID: item.ID, Type: item.Type, Status: item.Status, Height: out.Height, TxID: out.TxID,
			Listed: item.Listed, BelowThreshold: item.BelowThreshold, Warnings: item.Warnings})
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
	if len(req.Items) > MaxBatch {
		fail(c, CodeTooManyItems, "items: at most "+strconv.Itoa(MaxBatch)+" per request, got "+strconv.Itoa(len(req.Items)))
		return
	}
	inputs := make([]node.AttestationInput, len(req.Items))
	for i, it := range req.Items {
		inputs[i] = it.input()
	}
	out, err := s.node.Submit(c.Request.Context(), client(c), inputs)
	if err != nil {
		failErr(c, err)
		return
	}
	for _, r := range out.Results {
		s.metrics.submits.WithLabelValues(r.Status).Inc()
	}
	c.JSON(http.StatusOK, batchResponse{SubmitResult: out.SubmitResult, Height: out.Height, TxID: out.TxID})
}

type attestationResponse struct {
	contract.AttestationView
	AsOf uint64 `json:"asOf"`
}

// getAttestation answers one attestation to a client that states why it
// reads it (?purpose=, as for a lookup): the answer names a subject and
// its default.
func (s *server) getAttestation(c *gin.Context) {
	v, h, err := s.node.Attestation(c.Request.Context(), client(c), c.Query("purpose"), c.Param("id"))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, attestationResponse{AttestationView: v, AsOf: h})
}
