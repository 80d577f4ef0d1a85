package contract

import (
	"strings"
	"testing"
)

func TestIsHexDigest(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	for s, want := range map[string]bool{good: true, good[:63]: false, good + "0": false, strings.ToUpper(good): false,
		good[:63] + "g": false, good[:63] + "/": false, good[:63] + ":": false, good[:63] + "`": false, "": false} {
		if IsHexDigest(s) != want {
			t.Errorf("IsHexDigest(%q) = %v", s, !want)
		}
	}
}
