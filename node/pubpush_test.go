package node

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/webhook"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// TestPublicationPush: an agency registers an endpoint; refusals first
// (other roles, an internal address the operator did not allow, a short
// secret); then each publication is pushed once, signed, in order, after
// a receiver failure too.
func TestPublicationPush(t *testing.T) {
	ctx := context.Background()
	secret := "0123456789abcdef"
	var mu sync.Mutex
	var got []uint64
	fail := 1
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify([]byte(secret), r.Header.Get(webhook.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if fail > 0 {
			fail--
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var notice publicationNotice
		if err := json.Unmarshal(body, &notice); err != nil || notice.Note == "" || notice.Full != "/v1/publications/"+r.Header.Get("X-Publication-Number") {
			http.Error(w, "bad notice", http.StatusBadRequest)
			return
		}
		got = append(got, notice.Number)
	}))
	defer recv.Close()

	// A node that allows only public destinations refuses the loopback
	// receiver.
	strict, _, _ := logNode(t, Options{LogCosignHeld: true, PublicationCheck: -1})
	agency := &Client{Name: "agency", Member: DemoAssociation, Roles: []string{RoleAgency}}
	if _, err := strict.SetPublicationEndpoint(ctx, agency, recv.URL, secret); !errors.Is(err, webhook.ErrDestinationRefused) {
		t.Fatalf("loopback on a strict node: %v", err)
	}

	n, _, _ := logNode(t, Options{LogCosignHeld: true, PublicationCheck: -1, WebhookDestinations: webhooktest.Loopback()})
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	bank := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	var ce *contract.Error
	if _, err := n.SetPublicationEndpoint(ctx, admin, recv.URL, secret); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("an admin registers an endpoint: %v", err)
	}
	if _, err := n.SetPublicationEndpoint(ctx, bank, recv.URL, secret); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("a bank registers an endpoint: %v", err)
	}
	if _, err := n.SetPublicationEndpoint(ctx, agency, recv.URL, "short"); !errors.Is(err, webhook.ErrInvalid) {
		t.Fatalf("a short secret: %v", err)
	}
	if _, err := n.SetPublicationEndpoint(ctx, agency, "ftp://example.com/x", secret); !errors.Is(err, webhook.ErrDestinationRefused) {
		t.Fatalf("ftp: %v", err)
	}

	fileDefaults(t, n, 0, 2)
	if _, err := n.Publish(ctx, admin); err != nil { // before the endpoint: not pushed
		t.Fatal(err)
	}
	st, err := n.SetPublicationEndpoint(ctx, agency, recv.URL, secret)
	if err != nil || st.Delivered != 1 {
		t.Fatalf("endpoint: %+v %v", st, err)
	}
	for i := 0; i < 2; i++ {
		fileDefaults(t, n, 2+i, 1)
		if _, err := n.Publish(ctx, admin); err != nil {
			t.Fatal(err)
		}
	}
	// The first attempt fails (503): nothing moves, the class is shown.
	if err := n.PushPublications(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := n.PublicationEndpointStatus(ctx, agency); st.Delivered != 1 || st.LastError != webhook.ClassHTTP5xx {
		t.Fatalf("after a failure: %+v", st)
	}
	// Retried once its backoff has passed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := n.PushPublications(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _, _ := n.PublicationEndpointStatus(ctx, agency); st.Delivered == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("publications 2 and 3 were not pushed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Nothing is pushed twice once acknowledged.
	if err := n.PushPublications(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(got) != 2 || got[0] != 2 || got[1] != 3 {
		t.Fatalf("pushed %v", got)
	}
	mu.Unlock()
	if removed, err := n.DeletePublicationEndpoint(ctx, agency); err != nil || !removed {
		t.Fatalf("delete: %v %v", removed, err)
	}
	if _, ok, _ := n.PublicationEndpointStatus(ctx, agency); ok {
		t.Fatal("endpoint still there")
	}
}
