package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// BenchmarkAppend appends the entries of one 10,000-subject lookup per op
// (one caller, so no group commit helps), durably, to a log in a store
// opened as the node opens it:
//
//	go test ./node/audit -run '^$' -bench Append -benchtime 50x -cpuprofile cpu.out
func BenchmarkAppend(b *testing.B) {
	db, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithLogger(nil).WithSyncWrites(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	l, err := Open(db)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	subjects := make([]string, 10000)
	for i := range subjects {
		sum := sha256.Sum256([]byte(strconv.Itoa(i)))
		subjects[i] = hex.EncodeToString(sum[:])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		entries := make([]Entry, len(subjects))
		for j, s := range subjects {
			entries[j] = Entry{Client: "bank1-app", Member: "Bank1MSP", Subject: s, Purpose: "loan-approval", Kind: "status",
				Listed: j%7 == 0, ActiveDefaults: j % 3, Height: 1234}
		}
		if err := l.Append(entries); err != nil {
			b.Fatal(err)
		}
	}
}
