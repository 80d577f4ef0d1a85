package embedded

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"sort"
)

// Write is one key's change in a transaction; Delete marks a removal.
type Write struct {
	Key    string `json:"k"`
	Value  []byte `json:"v,omitempty"`
	Delete bool   `json:"d,omitempty"`
}

// Event is the transaction's chaincode event, if any.
type Event struct {
	Name    string `json:"name"`
	Payload []byte `json:"payload"`
}

// Entry is one committed transaction in the hash-chained log.
type Entry struct {
	Height      uint64  `json:"height"`
	TxID        string  `json:"txId"`
	Creator     string  `json:"creator"`
	Time        string  `json:"time"`
	Function    string  `json:"function"`
	ArgDigest   string  `json:"argDigest"`
	Writes      []Write `json:"writes"`
	WriteDigest string  `json:"writeDigest"`
	Event       *Event  `json:"event,omitempty"`
	PrevHash    string  `json:"prevHash"`
	Hash        string  `json:"hash"`
}

// Head is the log's last entry in brief.
type Head struct {
	Height uint64 `json:"height"`
	Hash   string `json:"hash"`
	Time   string `json:"time"`
}

// genesisHash is the PrevHash of the first entry.
var genesisHash = hex.EncodeToString(make([]byte, sha256.Size))

// digestWrites hashes a write set with length prefixes, so no two different
// sets share an encoding.
func digestWrites(ws []Write) string {
	h := sha256.New()
	var n [8]byte
	for _, w := range ws {
		binary.BigEndian.PutUint64(n[:], uint64(len(w.Key)))
		h.Write(n[:])
		h.Write([]byte(w.Key))
		if w.Delete {
			h.Write([]byte{1})
			continue
		}
		h.Write([]byte{0})
		binary.BigEndian.PutUint64(n[:], uint64(len(w.Value)))
		h.Write(n[:])
		h.Write(w.Value)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// computeHash hashes the entry's canonical JSON with Hash empty.
func (e *Entry) computeHash() string {
	c := *e
	c.Hash = ""
	c.Writes = nil
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // only plain data: cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func sortWrites(ws []Write) {
	sort.Slice(ws, func(i, j int) bool { return ws[i].Key < ws[j].Key })
}

func logKey(h uint64) []byte {
	k := make([]byte, 9)
	k[0] = 'l'
	binary.BigEndian.PutUint64(k[1:], h)
	return k
}

var headKey = []byte("h")
