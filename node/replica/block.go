package replica

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Write is one key's change by a committed transaction.
type Write struct {
	Key    string
	Value  []byte
	Delete bool
}

// Tx is a valid endorser transaction of a block, reduced to what the
// replica applies: the chaincode namespace's writes and its event.
type Tx struct {
	ID     string
	Index  int
	Time   time.Time
	Writes []Write
	// EventName and EventPayload are the chaincode event, if any.
	EventName    string
	EventPayload []byte
}

// transactions extracts the valid endorser transactions of b that touch
// namespace. Invalid transactions (MVCC conflicts, endorsement policy
// failures) wrote nothing on the peers and are skipped here too; so are
// config transactions.
func transactions(b *common.Block, namespace string) ([]Tx, error) {
	if b.GetHeader() == nil || b.GetData() == nil {
		return nil, fmt.Errorf("block without header or data")
	}
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	if len(filter) != len(b.Data.Data) {
		return nil, fmt.Errorf("block %d: validation flags for %d of %d transactions", b.Header.Number, len(filter), len(b.Data.Data))
	}
	var out []Tx
	for i, raw := range b.Data.Data {
		if peer.TxValidationCode(filter[i]) != peer.TxValidationCode_VALID {
			continue
		}
		tx, ok, err := parseTx(raw, namespace)
		if err != nil {
			return nil, fmt.Errorf("block %d transaction %d: %w", b.Header.Number, i, err)
		}
		if ok {
			tx.Index = i
			out = append(out, tx)
		}
	}
	return out, nil
}

func parseTx(raw []byte, namespace string) (Tx, bool, error) {
	var tx Tx
	env := &common.Envelope{}
	if err := proto.Unmarshal(raw, env); err != nil {
		return tx, false, err
	}
	payload := &common.Payload{}
	if err := proto.Unmarshal(env.Payload, payload); err != nil {
		return tx, false, err
	}
	ch := &common.ChannelHeader{}
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), ch); err != nil {
		return tx, false, err
	}
	if common.HeaderType(ch.Type) != common.HeaderType_ENDORSER_TRANSACTION {
		return tx, false, nil
	}
	tx.ID, tx.Time = ch.TxId, ch.GetTimestamp().AsTime()
	trans := &peer.Transaction{}
	if err := proto.Unmarshal(payload.Data, trans); err != nil {
		return tx, false, err
	}
	touched := false
	for _, action := range trans.Actions {
		ccp := &peer.ChaincodeActionPayload{}
		if err := proto.Unmarshal(action.Payload, ccp); err != nil {
			return tx, false, err
		}
		prp := &peer.ProposalResponsePayload{}
		if err := proto.Unmarshal(ccp.GetAction().GetProposalResponsePayload(), prp); err != nil {
			return tx, false, err
		}
		cca := &peer.ChaincodeAction{}
		if err := proto.Unmarshal(prp.Extension, cca); err != nil {
			return tx, false, err
		}
		rws := &rwset.TxReadWriteSet{}
		if err := proto.Unmarshal(cca.Results, rws); err != nil {
			return tx, false, err
		}
		for _, ns := range rws.NsRwset {
			if ns.Namespace != namespace {
				continue
			}
			touched = true
			kv := &kvrwset.KVRWSet{}
			if err := proto.Unmarshal(ns.Rwset, kv); err != nil {
				return tx, false, err
			}
			for _, w := range kv.Writes {
				tx.Writes = append(tx.Writes, Write{Key: w.Key, Value: w.Value, Delete: w.IsDelete})
			}
		}
		if len(cca.Events) > 0 {
			ev := &peer.ChaincodeEvent{}
			if err := proto.Unmarshal(cca.Events, ev); err != nil {
				return tx, false, err
			}
			if ev.ChaincodeId == namespace {
				tx.EventName, tx.EventPayload = ev.EventName, ev.Payload
			}
		}
	}
	return tx, touched, nil
}
