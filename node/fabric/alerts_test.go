package fabric

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// twoBanks starts Bank1's and Bank2's stacks on their own peers, with
// Bank2 admitted and able to sign.
func twoBanks(t testing.TB) (bank1, bank2 *member) {
	run := networkDir(t)
	assoc := stack(t, run, "assoc", "AssocMSP", node.RoleAdmin)
	bank1 = stack(t, run, "bank1", "Bank1MSP", node.RoleReporter, node.RoleQuerier)
	bank2 = stack(t, run, "bank2", "Bank2MSP", node.RoleReporter, node.RoleQuerier)
	admit := contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank2: %d", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := bank2.ledger.Replica().WaitForHeight(ctx, assoc.ledger.Height()); err != nil {
		t.Fatal(err)
	}
	bank2.signingKey()
	return bank1, bank2
}

// TestAlertsAcrossOrganisations is the watchlist end-to-end test in fabric
// mode: Bank1's node imports 100,000 watched keys and a webhook; Bank2's
// node (another peer) files defaults on 3 of them and on 3 strangers;
// Bank1's node learns of them only from the blocks its replica applies,
// and its receiver gets exactly the 3 signed alerts, as GET /v1/alerts
// does; Bank2 settles one, and one more alert arrives.
func TestAlertsAcrossOrganisations(t *testing.T) {
	bank1, bank2 := twoBanks(t)

	stamp := fmt.Sprint(time.Now().UnixNano())
	key := func(i int) string { return hexOf(fmt.Sprint("book ", stamp, " ", i)) }
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		for i := range 100000 {
			fmt.Fprintf(w, `{"subjectKey":"%s","label":"cust-%d"}`+"\n", key(i), i)
		}
		w.Flush()
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", bank1.url+"/v1/watchlist/import", pr)
	req.Header.Set("Authorization", "Bearer "+bank1.key)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("import: %v %v", resp, err)
	}
	resp.Body.Close()
	rcv := webhooktest.New("bank1-fabric-webhook")
	defer rcv.Close()
	if st := bank1.call("PUT", "/v1/webhook", map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		t.Fatalf("webhook: %d", st)
	}

	watched := []string{key(3), key(40000), key(99998)}
	subjects := []string{watched[0], hexOf("stranger 1 " + stamp), watched[1], hexOf("stranger 2 " + stamp), watched[2], hexOf("stranger 3 " + stamp)}
	items := make([]map[string]any, len(subjects))
	for i, s := range subjects {
		items[i] = map[string]any{"attestation": defaultOf(s, fmt.Sprint("alert loan ", stamp, i))}
	}
	var batch struct {
		Accepted int
		Results  []struct{ ID string }
	}
	if st := bank2.call("POST", "/v1/attestations/batch", map[string]any{"items": items}, &batch); st != 200 || batch.Accepted != 6 {
		t.Fatalf("Bank2's batch: %d %+v", st, batch)
	}
	committed := time.Now()
	got, err := rcv.WaitFor(3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, at := rcv.Alerts()
	t.Logf("3 alerts at Bank1's receiver %v after Bank2's commit returned", at[2].Sub(committed).Round(time.Millisecond))
	for i, a := range got {
		if a.Kind != alert.KindDefault || a.SubjectKey != watched[i] || a.AttestationID != batch.Results[2*i].ID || a.Reporter != "Bank2MSP" || a.Member != "Bank1MSP" {
			t.Fatalf("alert %d: %+v", i, a)
		}
	}
	var page struct{ Alerts []alert.Alert }
	if st := bank1.call("GET", "/v1/alerts", nil, &page); st != 200 || len(page.Alerts) != 3 {
		t.Fatalf("GET /v1/alerts: %d %d alerts", st, len(page.Alerts))
	}
	for i := range page.Alerts {
		if page.Alerts[i].ID != got[i].ID {
			t.Fatalf("GET /v1/alerts[%d] %+v, webhook %+v", i, page.Alerts[i], got[i])
		}
	}

	settle := map[string]any{"attestation": map[string]any{"type": "settlement", "subject": watched[1], "refersTo": batch.Results[2].ID,
		"settledOn": time.Now().UTC().Format("2006-01-02"), "kind": "full", "amount": 250000}}
	if st := bank2.call("POST", "/v1/attestations", settle, nil); st != 201 {
		t.Fatalf("settle: %d", st)
	}
	if got, err = rcv.WaitFor(4, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got[3].Kind != alert.KindSettlement || got[3].SubjectKey != watched[1] || got[3].RefersTo != batch.Results[2].ID {
		t.Fatalf("fourth alert %+v", got[3])
	}
	if all, _ := rcv.Alerts(); len(all) != 4 {
		t.Fatalf("%d deliveries for 4 alerts", len(all))
	}
}

// BenchmarkAlertLatency measures, per default Bank2's node files on a
// subject Bank1 watches, the time from Bank2's submit returning (the
// transaction committed and applied by Bank2's replica) to Bank1's webhook
// receiver holding the alert, which Bank1's node derives from the block its
// own replica applies. One default per block.
func BenchmarkAlertLatency(b *testing.B) {
	bank1, bank2 := twoBanks(b)
	rcv := webhooktest.New("bank1-fabric-bench")
	defer rcv.Close()
	if st := bank1.call("PUT", "/v1/webhook", map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		b.Fatalf("webhook: %d", st)
	}
	stamp := fmt.Sprint(time.Now().UnixNano())
	subject := func(i int) string { return hexOf(fmt.Sprint("latency ", stamp, " ", i)) }
	for i := 0; i < b.N; i++ {
		if st := bank1.call("PUT", "/v1/watchlist/"+subject(i), nil, nil); st != 201 {
			b.Fatalf("watch: %d", st)
		}
	}
	file := func(s string) string {
		var out struct{ ID string }
		if st := bank2.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(s, "latency "+s)}, &out); st != 201 {
			b.Fatalf("default: %d", st)
		}
		return out.ID
	}
	// A fresh node's monitor first reads the channel's history from block
	// 0; one alert through before timing keeps that out of the figures.
	warm := hexOf("latency warm-up " + stamp)
	if st := bank1.call("PUT", "/v1/watchlist/"+warm, nil, nil); st != 201 {
		b.Fatalf("watch: %d", st)
	}
	file(warm)
	if _, err := rcv.WaitFor(1, time.Minute); err != nil {
		b.Fatal(err)
	}
	sent := map[string]time.Time{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := file(subject(i))
		sent[id] = time.Now()
		if _, err := rcv.WaitFor(i+2, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	webhooktest.ReportPercentiles(b, rcv.Latencies(sent))
}
