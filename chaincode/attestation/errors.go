package attestation

import "fmt"

// Error codes. They are part of the wire contract: the chaincode returns them
// to clients and the CLI maps them to exit codes, so they never change meaning.
const (
	CodeMalformed      = "malformed"
	CodeTooLarge       = "too-large"
	CodeBadAlgorithm   = "bad-algorithm"
	CodeBadSignature   = "bad-signature"
	CodeInvalidPayload = "invalid-payload"
)

// Error is returned for every refusal so that callers can branch on Code
// without parsing text, while Msg keeps the precise field-level reason that a
// bank operator needs to fix the attestation.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return e.Code + ": " + e.Msg }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) *Error {
	return errorf(CodeInvalidPayload, format, args...)
}

// quote renders untrusted input for an error message. It is truncated because
// messages end up in chaincode responses and logs, where an attacker-sized
// string would only be noise.
func quote(s string) string {
	const max = 64
	r := []rune(s)
	if len(r) > max {
		return fmt.Sprintf("%q...", string(r[:max]))
	}
	return fmt.Sprintf("%q", s)
}
