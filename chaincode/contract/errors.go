package contract

import "fmt"

// Error codes are stable: the gateway maps them to HTTP statuses and problem
// types, and batch item results carry them.
const (
	CodeInvalidArgument    = "invalid-argument"
	CodeForbidden          = "forbidden"
	CodeNotFound           = "not-found"
	CodeConflict           = "conflict"
	CodeFailedPrecondition = "failed-precondition"
	CodeUnknownFunction    = "unknown-function"
	CodeInternal           = "internal"
)

// Error is a refusal by the rules. Code is one of the Code constants.
type Error struct {
	Code string `json:"code"`
	Msg  string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}
