package gateway

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/l10n"
)

func init() {
	l10n.Register(l10n.Entry{Key: "protection.oneof", EN: `give exactly one of "subject" (a subject key) and "idType" with "idNumber"`,
		ZH: `"subject"（主体密钥）与 "idType" 加 "idNumber" 须且只能给出其一`})
}

// protectionBody is POST /v1/protections: the subject as a key, or as the
// raw identity number a person typed (idType, idNumber), which the node
// derives (audited and budgeted like any derivation) and forgets. Raw
// numbers travel only in bodies: the other protection routes name the
// subject by key in the URL.
type protectionBody struct {
	Subject    string `json:"subject,omitempty"`
	IDType     string `json:"idType,omitempty"`
	IDNumber   string `json:"idNumber,omitempty"`
	ReasonCode string `json:"reasonCode"`
	CaseRef    string `json:"caseRef"`
}

func (s *server) registerProtection(c *gin.Context) {
	var b protectionBody
	if !bind(c, &b) {
		return
	}
	subject := b.Subject
	switch {
	case (b.Subject == "") == (b.IDNumber == ""):
		failMsg(c, contract.CodeInvalidArgument, "protection.oneof")
		return
	case b.IDNumber != "":
		key, err := s.node.DeriveSubjectKey(c.Request.Context(), client(c), b.IDType, b.IDNumber)
		if err != nil {
			failErr(c, err)
			return
		}
		subject = key
	}
	p, _, err := s.node.RegisterProtection(c.Request.Context(), client(c),
		contract.RegisterProtectionRequest{Subject: subject, ReasonCode: b.ReasonCode, CaseRef: b.CaseRef})
	answer(c, http.StatusCreated, p, err)
}

func (s *server) renewProtection(c *gin.Context) {
	if !emptyBody(c) {
		return
	}
	p, _, err := s.node.RenewProtection(c.Request.Context(), client(c), c.Param("subject"))
	answer(c, http.StatusOK, p, err)
}

func (s *server) removeProtection(c *gin.Context) {
	p, _, err := s.node.RemoveProtection(c.Request.Context(), client(c), c.Param("subject"))
	answer(c, http.StatusOK, p, err)
}

type protectionsResponse struct {
	contract.Protections
	AsOf uint64 `json:"asOf"`
}

// listProtections is GET /v1/protections?subject=KEY&purpose=…: a read of
// the subject, audited by the node whatever the outcome (so no early
// capability check here, as for GET /v1/subjects/{key}).
func (s *server) listProtections(c *gin.Context) {
	out, h, err := s.node.Protections(c.Request.Context(), client(c), c.Query("purpose"), c.Query("subject"))
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, protectionsResponse{Protections: out, AsOf: h})
}

// emptyBody accepts no body or an empty JSON object, and refuses anything
// else (a renewal takes no options).
func emptyBody(c *gin.Context) bool {
	if c.Request.ContentLength == 0 {
		return true
	}
	var none struct{}
	return bind(c, &none)
}
