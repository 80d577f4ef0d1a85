package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
)

// trustRoot answers what a verifier of evidence obtains once: the
// organisations, their log and signing keys, the quorum, and in fabric
// mode the channel's MSP roots and endorsement policy (any active
// member's clients; nothing in it names a subject).
func (s *server) trustRoot(c *gin.Context) {
	tr, height, err := s.node.TrustRoot(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	body, err := json.MarshalIndent(tr, "", "  ")
	if err != nil {
		failErr(c, err)
		return
	}
	c.Header("X-Ledger-Height", strconv.FormatUint(height, 10))
	c.Data(http.StatusOK, evidence.TrustRootMediaType, body)
}

// evidenceBundle answers one default's evidence bundle, assembled against
// the latest checkpoint a quorum cosigned. The node checks who may have
// it and audits the read, refused or not: no early capability check.
func (s *server) evidenceBundle(c *gin.Context) {
	b, err := s.node.Evidence(c.Request.Context(), client(c), c.Query("purpose"), c.Param("id"))
	if err != nil {
		failErr(c, err)
		return
	}
	body, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		failErr(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="evidence-`+b.AttestationID+`.json"`)
	c.Data(http.StatusOK, evidence.MediaType, body)
}

// ownDefaults lists the client's member's own defaults for an export.
func (s *server) ownDefaults(c *gin.Context) {
	var req contract.OwnDefaultsRequest
	if !bind(c, &req) {
		return
	}
	res, height, err := s.node.OwnDefaults(c.Request.Context(), client(c), req)
	if err != nil {
		failErr(c, err)
		return
	}
	body := gin.H{"defaults": res.Defaults, "missing": res.Missing, "asOf": height}
	if res.Missing == nil {
		body["missing"] = []string{}
	}
	if res.Next != "" {
		body["next"] = res.Next
	}
	c.JSON(http.StatusOK, body)
}
