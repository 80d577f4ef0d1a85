package fabric

import (
	"fmt"
	"sort"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
)

// ChannelTrust reads the channel's last configuration block from the
// replica (the orderers' signature metadata of the latest block names it)
// and returns each application organisation's MSP certificates, the
// endorsement policy the chaincode runs under (the channel's default
// MAJORITY Endorsement of the application organisations, since the
// network approves the chaincode without a policy of its own:
// scripts/network.sh), and the ordering service: its organisations' MSP
// certificates and the Orderer group's BlockValidation policy.
func (l *Ledger) ChannelTrust() (*evidence.FabricTrust, map[string]*evidence.MSP, error) {
	h := l.replica.Height()
	if h == 0 {
		return nil, nil, fmt.Errorf("the replica has no block yet")
	}
	last, found, err := l.replica.Block(h - 1)
	if err != nil || !found {
		return nil, nil, fmt.Errorf("block %d: found %v, %v", h-1, found, err)
	}
	cfgNum, err := lastConfig(last)
	if err != nil {
		return nil, nil, err
	}
	cfgBlock, found, err := l.replica.Block(cfgNum)
	if err != nil || !found {
		return nil, nil, fmt.Errorf("configuration block %d: found %v, %v", cfgNum, found, err)
	}
	cfg, err := configOf(cfgBlock)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration block %d: %w", cfgNum, err)
	}
	app := cfg.GetChannelGroup().GetGroups()["Application"]
	if app == nil {
		return nil, nil, fmt.Errorf("configuration block %d: no Application group", cfgNum)
	}
	msps, err := groupMSPs(app)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration block %d: %w", cfgNum, err)
	}
	orderer, err := ordererTrust(cfg.GetChannelGroup().GetGroups()["Orderer"])
	if err != nil {
		return nil, nil, fmt.Errorf("configuration block %d: %w", cfgNum, err)
	}
	orgs := make([]string, 0, len(msps))
	for id := range msps {
		orgs = append(orgs, id)
	}
	sort.Strings(orgs)
	return &evidence.FabricTrust{Channel: l.opts.Channel, Chaincode: l.opts.Chaincode, Endorsement: evidence.MajorityPolicy(orgs),
		Orderer: orderer}, msps, nil
}

// lastConfig is the number of the configuration block in force at b.
func lastConfig(b *common.Block) (uint64, error) {
	md := b.GetMetadata().GetMetadata()
	if len(md) <= int(common.BlockMetadataIndex_SIGNATURES) {
		return 0, fmt.Errorf("block %d has no signature metadata", b.GetHeader().GetNumber())
	}
	m := &common.Metadata{}
	if err := proto.Unmarshal(md[common.BlockMetadataIndex_SIGNATURES], m); err != nil {
		return 0, err
	}
	obm := &common.OrdererBlockMetadata{}
	if err := proto.Unmarshal(m.Value, obm); err != nil {
		return 0, err
	}
	return obm.GetLastConfig().GetIndex(), nil
}

// configOf reads the channel configuration a configuration block holds.
func configOf(b *common.Block) (*common.Config, error) {
	if len(b.GetData().GetData()) != 1 {
		return nil, fmt.Errorf("not a configuration block")
	}
	env := &common.Envelope{}
	if err := proto.Unmarshal(b.Data.Data[0], env); err != nil {
		return nil, err
	}
	payload := &common.Payload{}
	if err := proto.Unmarshal(env.Payload, payload); err != nil {
		return nil, err
	}
	ce := &common.ConfigEnvelope{}
	if err := proto.Unmarshal(payload.Data, ce); err != nil {
		return nil, err
	}
	if ce.GetConfig().GetChannelGroup() == nil {
		return nil, fmt.Errorf("no channel group")
	}
	return ce.Config, nil
}

// groupMSPs reads the MSP of every organisation of a configuration group
// (Application or Orderer), by MSP ID.
func groupMSPs(group *common.ConfigGroup) (map[string]*evidence.MSP, error) {
	out := map[string]*evidence.MSP{}
	for name, g := range group.GetGroups() {
		v := g.GetValues()["MSP"]
		if v == nil {
			return nil, fmt.Errorf("organisation %s has no MSP value", name)
		}
		mc := &msp.MSPConfig{}
		if err := proto.Unmarshal(v.Value, mc); err != nil {
			return nil, err
		}
		fc := &msp.FabricMSPConfig{}
		if err := proto.Unmarshal(mc.Config, fc); err != nil {
			return nil, err
		}
		m := &evidence.MSP{RootCerts: []string{}}
		for _, c := range fc.RootCerts {
			m.RootCerts = append(m.RootCerts, string(c))
		}
		for _, c := range fc.IntermediateCerts {
			m.IntermediateCerts = append(m.IntermediateCerts, string(c))
		}
		out[fc.Name] = m
	}
	return out, nil
}
