package console

import (
	"math/rand/v2"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func TestCreditCodeCheckCharacter(t *testing.T) {
	for _, tc := range []struct {
		code, fault string
	}{
		{"91350100M000100Y43", ""},
		{"91110000600037341L", ""},
		{"91440300708461136T", ""},
		{"91350100M000100Y44", "uscc.check"}, // last character mistyped
		{"91350100M000100Y4", "uscc.length"},
		{"91350100M000100Y433", "uscc.length"},
		{"", "uscc.length"},
		{"91350100I000100Y43", "uscc.char"}, // I is not in the alphabet
		{"91350100m000100Y43", "uscc.char"}, // lower case is not either
		{"91110000600037341l", "uscc.char"},
	} {
		err := CheckCreditCode(tc.code)
		switch {
		case tc.fault == "" && err != nil:
			t.Errorf("%q: %v, want valid", tc.code, err.key)
		case tc.fault != "" && (err == nil || err.key != tc.fault):
			t.Errorf("%q: %v, want %s", tc.code, err, tc.fault)
		}
	}
}

// The console and the ledger's contract agree on every code: valid ones
// made with the check character, and every one-character change of them.
func TestCreditCodeAgreesWithTheContract(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		b := make([]byte, 17)
		for i := range b {
			b[i] = usccAlphabet[r.IntN(len(usccAlphabet))]
		}
		c, ok := CreditCodeCheckChar(string(b))
		if !ok {
			t.Fatal("no check character")
		}
		code := string(b) + string(c)
		if CheckCreditCode(code) != nil || contract.CheckCreditCode(code) != nil {
			t.Fatalf("%s: console %v, contract %v", code, CheckCreditCode(code), contract.CheckCreditCode(code))
		}
		typo := []byte(code)
		pos := r.IntN(18)
		typo[pos] = usccAlphabet[(r.IntN(30)+1+indexOf(typo[pos]))%31]
		if (CheckCreditCode(string(typo)) == nil) != (contract.CheckCreditCode(string(typo)) == nil) || CheckCreditCode(string(typo)) == nil {
			t.Fatalf("%s (from %s): console %v, contract %v", typo, code, CheckCreditCode(string(typo)), contract.CheckCreditCode(string(typo)))
		}
	}
}

func indexOf(c byte) int {
	for i := range len(usccAlphabet) {
		if usccAlphabet[i] == c {
			return i
		}
	}
	return 0
}
