package webhooktest

import "github.com/assoc-ledger/blacklist/node/webhook/dest"

// Loopback is the destination allowance a test passes to reach a Receiver:
// loopback addresses and the name localhost. The default policy refuses
// them, as a node in production must.
func Loopback() *dest.Policy {
	p, err := dest.Allow("127.0.0.0/8", "::1", "localhost")
	if err != nil {
		panic(err)
	}
	return p
}
