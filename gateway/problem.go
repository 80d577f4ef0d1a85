package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
	"github.com/assoc-ledger/blacklist/node/watchlist"
	"github.com/assoc-ledger/blacklist/node/webhook"
)

// Problem codes that are the gateway's own; the ledger's codes
// (contract.Code*) pass through.
const (
	CodeUnauthenticated  = "unauthenticated"
	CodeMalformedRequest = "malformed-request"
	CodeRejected         = "rejected"
	CodePayloadTooLarge  = "payload-too-large"
	CodeTooManyItems     = "too-many-items"
	CodeRateLimited      = "rate-limited"
	CodeBadPurpose       = "bad-purpose"
	CodeUnavailable      = "unavailable"
	CodeMethodNotAllowed = "method-not-allowed"
	CodeUnsupportedMedia = "unsupported-media-type"
	// CodeWebhookDestinationRefused: a webhook URL the node will not send
	// to (internal address, credentials, not http(s); see node/webhook/dest).
	CodeWebhookDestinationRefused = "webhook-destination-refused"
	CodeBudgetExceeded            = "budget-exceeded"
)

var titles = map[string]string{
	CodeUnauthenticated:             "Missing or unknown API key",
	CodeMalformedRequest:            "Malformed request",
	CodeRejected:                    "Attestation rejected by the ledger",
	CodePayloadTooLarge:             "Request body too large",
	CodeTooManyItems:                "Too many items in one request",
	CodeRateLimited:                 "Rate limit exceeded",
	CodeBadPurpose:                  "Missing or unknown purpose",
	CodeUnavailable:                 "Ledger unavailable",
	CodeMethodNotAllowed:            "Method not allowed",
	CodeUnsupportedMedia:            "Unsupported media type",
	CodeWebhookDestinationRefused:   "Webhook destination refused",
	CodeBudgetExceeded:              "Daily budget exceeded",
	CodeSecretUnavailable:           "Consortium secret unavailable",
	contract.CodeInvalidArgument:    "Invalid argument",
	contract.CodeForbidden:          "Forbidden",
	contract.CodeNotFound:           "Not found",
	contract.CodeConflict:           "Conflict",
	contract.CodeFailedPrecondition: "Not allowed in the current state",
	contract.CodeInternal:           "Internal error",
}

var statuses = map[string]int{
	CodeUnauthenticated:             http.StatusUnauthorized,
	CodeMalformedRequest:            http.StatusBadRequest,
	CodeRejected:                    http.StatusUnprocessableEntity,
	CodePayloadTooLarge:             http.StatusRequestEntityTooLarge,
	CodeTooManyItems:                http.StatusUnprocessableEntity,
	CodeRateLimited:                 http.StatusTooManyRequests,
	CodeBadPurpose:                  http.StatusUnprocessableEntity,
	CodeUnavailable:                 http.StatusServiceUnavailable,
	CodeMethodNotAllowed:            http.StatusMethodNotAllowed,
	CodeUnsupportedMedia:            http.StatusUnsupportedMediaType,
	CodeWebhookDestinationRefused:   http.StatusUnprocessableEntity,
	CodeBudgetExceeded:              http.StatusTooManyRequests,
	CodeSecretUnavailable:           http.StatusServiceUnavailable,
	contract.CodeInvalidArgument:    http.StatusUnprocessableEntity,
	contract.CodeForbidden:          http.StatusForbidden,
	contract.CodeNotFound:           http.StatusNotFound,
	contract.CodeConflict:           http.StatusConflict,
	contract.CodeFailedPrecondition: http.StatusConflict,
	contract.CodeInternal:           http.StatusInternalServerError,
}

// fail ends the request with a problem of the given code.
func fail(c *gin.Context, code, detail string, items ...problem.Item) {
	status, ok := statuses[code]
	if !ok {
		code, status = contract.CodeInternal, http.StatusInternalServerError
	}
	title, detail := localize(c, code, titles[code], detail)
	p := problem.Problem{Type: problem.TypePrefix + code, Title: title, Status: status, Detail: detail,
		Instance: "urn:request:" + c.GetString(requestIDKey), Items: items}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
}

// failErr turns an error from the node or the ledger into a problem.
func failErr(c *gin.Context, err error) {
	var ce *contract.Error
	var ve *subjectkey.ValidationError
	var we *watchlist.InvalidError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ce):
		code := ce.Code
		if code == contract.CodeUnknownFunction {
			code = contract.CodeInternal
		}
		fail(c, code, ce.Msg)
	case errors.As(err, &ve):
		fail(c, contract.CodeInvalidArgument, ve.Error())
	case errors.Is(err, webhook.ErrDestinationRefused):
		fail(c, CodeWebhookDestinationRefused, err.Error())
	case errors.As(err, &we), errors.Is(err, webhook.ErrInvalid):
		fail(c, contract.CodeInvalidArgument, err.Error())
	case errors.As(err, &tooBig):
		failMsg(c, CodePayloadTooLarge, "body.toolarge", tooBig.Limit)
	case errors.Is(err, node.ErrSecretUnavailable):
		fail(c, CodeSecretUnavailable, err.Error())
	case errors.Is(err, node.ErrNoPeer):
		fail(c, contract.CodeInvalidArgument, err.Error())
	case errors.Is(err, node.ErrTooMany):
		fail(c, CodeTooManyItems, err.Error())
	case errors.Is(err, node.ErrOverBudget):
		var ob *node.OverBudgetError
		if errors.As(err, &ob) && !ob.Reset().IsZero() {
			c.Header("Retry-After", strconv.Itoa(max(0, int(time.Until(ob.Reset()).Seconds())+1)))
		}
		fail(c, CodeBudgetExceeded, err.Error()+"; the association has been told")
	case errors.Is(err, node.ErrBadPurpose):
		fail(c, CodeBadPurpose, err.Error())
	case errors.Is(err, node.ErrNoSigningKey):
		fail(c, contract.CodeFailedPrecondition, err.Error()+": send a signed JWS instead")
	case errors.As(err, new(*node.BadRangeError)):
		fail(c, CodeMalformedRequest, err.Error())
	case errors.Is(err, node.ErrNoCheckpoint), errors.Is(err, node.ErrNoLog):
		fail(c, contract.CodeNotFound, err.Error())
	case errors.Is(err, node.ErrNotCovered):
		fail(c, contract.CodeFailedPrecondition, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		failMsg(c, CodeUnavailable, "ledger.timeout")
	default:
		c.Error(err)
		failMsg(c, CodeUnavailable, "ledger.failed")
	}
}
