package gateway

import (
	"bufio"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/internal/l10n"
	"github.com/assoc-ledger/blacklist/node"
)

// Publications of the blacklist to credit agencies (docs/publications.md):
// the association's admin makes one on demand; agencies (and admins) list
// them and read one as NDJSON, full or as the diff from the previous one.

// publish makes the next publication: 201 with its number.
func (s *server) publish(c *gin.Context) {
	sp, err := s.node.Publish(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	n := strconv.FormatUint(sp.Header.Number, 10)
	c.Header("Location", "/v1/publications/"+n)
	c.JSON(http.StatusCreated, publicationView(sp))
}

type publicationSummary struct {
	Number  uint64             `json:"number"`
	Header  publication.Header `json:"header"`
	Digest  string             `json:"digest"`
	Signers []string           `json:"signers"`
	Slot    string             `json:"slot,omitempty"`
	TxID    string             `json:"txId"`
}

func publicationView(sp nodePublication) publicationSummary {
	return publicationSummary{Number: sp.Header.Number, Header: sp.Header, Digest: sp.Header.DigestString(), Signers: sp.Signers, Slot: sp.Slot, TxID: sp.TxID}
}

// listPublications lists the latest publications, newest first.
func (s *server) listPublications(c *gin.Context) {
	limit := 100
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 || strconv.Itoa(n) != v {
			fail(c, CodeMalformedRequest, "limit: "+strconv.Quote(v)+" is not a number from 1 to 1000")
			return
		}
		limit = n
	}
	list, err := s.node.Publications(c.Request.Context(), client(c), limit)
	if err != nil {
		failErr(c, err)
		return
	}
	out := make([]publicationSummary, len(list))
	for i, sp := range list {
		out[i] = publicationView(sp)
	}
	c.JSON(http.StatusOK, out)
}

// getPublication streams publication n: the preamble line, then its
// entries (view=full, the default) or its diff lines (view=diff). The
// body is written as the store is read, in constant memory; a failure
// after the first line resets the connection so that a cut file never
// looks complete (and would not verify).
func (s *server) getPublication(c *gin.Context) {
	v := c.Param("n")
	num, err := strconv.ParseUint(v, 10, 64)
	if err != nil || num == 0 || strconv.FormatUint(num, 10) != v {
		fail(c, CodeMalformedRequest, "n: "+strconv.Quote(v)+" is not a publication number (1, 2, …)")
		return
	}
	view := c.DefaultQuery("view", publication.ViewFull)
	w := bufio.NewWriterSize(c.Writer, 64<<10)
	started := false
	err = s.node.StreamPublication(c.Request.Context(), client(c), num, view, func(line []byte) error {
		if !started {
			started = true
			c.Header("Content-Type", publication.MediaType)
			c.Header("Content-Disposition", "attachment; filename=\"publication-"+v+"-"+view+".ndjson\"")
			c.Status(http.StatusOK)
		}
		_, err := w.Write(line)
		return err
	})
	if !started {
		failErr(c, err)
		return
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		s.log.Error("publication export", "request", c.GetString(requestIDKey), "err", err)
		panic(http.ErrAbortHandler)
	}
}

// nodePublication is what the node keeps of a publication.
type nodePublication = node.StoredPublication

// setPublicationEndpoint registers the agency client's push endpoint.
func (s *server) setPublicationEndpoint(c *gin.Context) {
	var req webhookRequest
	if !bind(c, &req) {
		return
	}
	st, err := s.node.SetPublicationEndpoint(c.Request.Context(), client(c), req.URL, req.Secret)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (s *server) getPublicationEndpoint(c *gin.Context) {
	st, ok, err := s.node.PublicationEndpointStatus(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	if !ok {
		failMsg(c, contract.CodeNotFound, "publication.noendpoint", client(c).Name)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (s *server) deletePublicationEndpoint(c *gin.Context) {
	removed, err := s.node.DeletePublicationEndpoint(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	if !removed {
		failMsg(c, contract.CodeNotFound, "publication.noendpoint", client(c).Name)
		return
	}
	c.Status(http.StatusNoContent)
}

func init() {
	l10n.Register(l10n.Entry{Key: "publication.noendpoint", EN: "no publication endpoint is registered for client %s", ZH: "客户端 %s 尚未登记发布推送地址"})
}
