package fabric

import (
	"context"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// ChannelHeight asks the organisation's peer for the channel's height
// (qscc GetChainInfo), the height the replica follows (node.NetworkHealth
// shows the two side by side).
func (l *Ledger) ChannelHeight(ctx context.Context) (uint64, error) {
	out, err := l.network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(l.opts.Channel))
	if err != nil {
		return 0, mapError(err)
	}
	info := &common.BlockchainInfo{}
	if err := proto.Unmarshal(out, info); err != nil {
		return 0, err
	}
	return info.Height, nil
}
