package console

import "strings"

// The unified social credit code (统一社会信用代码) of GB 32100-2015: 18
// characters from a 31-character alphabet (digits and capital letters
// without I, O, Z, S, V); the 18th is a check character over the first
// 17, computed modulo 31 with the weights 3^i mod 31. The ledger's contract
// applies the same rule (contract.CheckCreditCode) when a member is
// admitted; the console checks first so that the operator is told which
// character is wrong, in their language, before anything is sent.

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// codeError is a credit code's fault as a catalogue message.
type codeError struct {
	key  string
	args []any
}

func (e *codeError) Error() string { return e.key }

// usccWeight is 3^i mod 31 for position i (0-based).
func usccWeight(i int) int {
	w := 1
	for range i {
		w = w * 3 % 31
	}
	return w
}

// CreditCodeCheckChar is the check character of the first 17 characters
// of a unified social credit code; ok is false if one is not in the
// alphabet.
func CreditCodeCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeight(i)
	}
	return usccAlphabet[(31-sum%31)%31], true
}

// CheckCreditCode validates a unified social credit code.
func CheckCreditCode(code string) *codeError {
	if len(code) != 18 {
		return &codeError{"uscc.length", []any{len(code)}}
	}
	for i := range 18 {
		if strings.IndexByte(usccAlphabet, code[i]) < 0 {
			return &codeError{"uscc.char", []any{i + 1, string(code[i])}}
		}
	}
	want, _ := CreditCodeCheckChar(code[:17])
	if code[17] != want {
		return &codeError{"uscc.check", []any{string(code[17]), string(want)}}
	}
	return nil
}
