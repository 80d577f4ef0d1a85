package gateway

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/chaincode/witness"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// TestWitnessRefusalDegradesReadiness: a real witness that does not know
// the consortium's log keys refuses the association's checkpoint (403);
// /readyz turns degraded and names the witness; the agency still reads
// the checkpoint, without a witness line.
func TestWitnessRefusalDegradesReadiness(t *testing.T) {
	skey, vkey, err := witness.GenerateKey("agency-x-witness")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := translog.GenerateLogKey("AssocMSP")
	if err != nil {
		t.Fatal(err)
	}
	tr := &evidence.TrustRoot{Origin: translog.Origin("embedded"), Quorum: 1,
		Organisations: []evidence.Organisation{{ID: "AssocMSP", Association: true, LogKeys: []string{stranger.Verifier}}}}
	w, err := witness.New(t.TempDir(), skey, tr)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	e := newEnvWith(t, Options{}, node.Options{LogCosignHeld: true, LogCheckpointInterval: -1, WebhookDestinations: webhooktest.Loopback(),
		WitnessInterval: -1, Witnesses: []node.WitnessConfig{{Name: "agency-x", URL: srv.URL, Verifier: vkey}}})
	var ready map[string]any
	if st, _ := e.call("GET", "/readyz", "", nil, &ready); st != 200 || ready["status"] != "ready" {
		t.Fatalf("readyz before: %d %v", st, ready)
	}
	if _, err := e.n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	if err := e.n.CosignCheckpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.n.SubmitToWitnesses(context.Background()); !errors.Is(err, node.ErrWitnessRefused) || !strings.Contains(err.Error(), "403") {
		t.Fatalf("submitting to a witness that does not know the keys: %v", err)
	}
	if st, _ := e.call("GET", "/readyz", "", nil, &ready); st != 200 || ready["status"] != "degraded" ||
		!strings.Contains(strings.Join(strings.Fields(anyStrings(ready["problems"])), " "), "witness agency-x refused") {
		t.Fatalf("readyz after the refusal: %d %v", st, ready)
	}
	if st, _ := e.call("GET", "/v1/log/checkpoint", "agency", nil, nil); st != 200 {
		t.Fatalf("agency reads the checkpoint: %d", st)
	}
}

func anyStrings(v any) string {
	list, _ := v.([]any)
	var out []string
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return strings.Join(out, "\n")
}
