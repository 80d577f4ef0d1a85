package suggest

import "testing"

func TestClosest(t *testing.T) {
	cands := []string{"purpose", "file", "fail-if-listed", "amount", "attestation", "jws"}
	for name, want := range map[string]string{
		"purpse": "purpose", "purpsoe": "purpose", "PURPOSE": "purpose", "fiel": "file",
		"amout": "amount", "attestaton": "attestation", "jwz": "jws",
	} {
		if got, ok := Closest(name, cands); !ok || got != want {
			t.Errorf("%s: %q %v, want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"type", "x", "subject", "zzzzzzz", ""} {
		if got, ok := Closest(name, cands); ok {
			t.Errorf("%s: suggested %q, want nothing", name, got)
		}
	}
}
