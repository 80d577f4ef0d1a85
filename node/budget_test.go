package node

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

func TestSpendBudgetSurvivesRestartAndResetsAtShanghaiMidnight(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	ctx := context.Background()
	if _, err := n.SetupDemo(ctx, dir, "http://test"); err != nil {
		t.Fatal(err)
	}
	p := contract.DefaultPolicy()
	p.DailyLookups = 10
	arg, _ := json.Marshal(p)
	if _, err := l.Submit(ctx, DemoAssociation, "SetPolicy", arg); err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC is 07:30 the next day in Shanghai.
	clock := time.Date(2026, 3, 1, 15, 59, 0, 0, time.UTC)
	budgetClock = func() time.Time { return clock }
	defer func() { budgetClock = time.Now }()
	c := &Client{Name: "app", Member: DemoBank1}
	if err := n.spend(ctx, c, SpendLookups, 0); err != nil {
		t.Fatal(err)
	}
	if err := n.spend(ctx, c, "reads", 1); err == nil {
		t.Fatal("an unknown budget kind was spent")
	}
	if err := n.spend(ctx, c, SpendLookups, 8); err != nil {
		t.Fatal(err)
	}
	// Too many at once is refused whole, and nothing of it is counted.
	var ob *OverBudgetError
	if err := n.spend(ctx, c, SpendLookups, 3); !errors.As(err, &ob) || !errors.Is(err, ErrOverBudget) || ob.Used != 8 || ob.Budget != 10 || ob.Day != "2026-03-01" {
		t.Fatalf("over budget: %v", err)
	}
	if !ob.Reset().Equal(time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("reset at %s", ob.Reset())
	}
	n.Close()
	if n, err := Open(dir, l); err != nil {
		t.Fatal(err)
	} else {
		defer n.Close()
		if err := n.spend(ctx, c, SpendLookups, 2); err != nil {
			t.Fatalf("the rest of the budget after a restart: %v", err)
		}
		if err := n.spend(ctx, c, SpendLookups, 1); !errors.Is(err, ErrOverBudget) {
			t.Fatalf("the count did not survive the restart: %v", err)
		}
		// Another member, and the derivation budget, are counted apart.
		if err := n.spend(ctx, &Client{Name: "x", Member: DemoBank2}, SpendLookups, 10); err != nil {
			t.Fatal(err)
		}
		if err := n.spend(ctx, c, SpendDerivations, 10); err != nil {
			t.Fatal(err)
		}
		// Midnight in Shanghai (16:00 UTC) starts a new day.
		clock = clock.Add(time.Minute)
		if err := n.spend(ctx, c, SpendLookups, 10); err != nil {
			t.Fatalf("a new day: %v", err)
		}
		// The excess was recorded on the ledger once that day.
		var reports []contract.BudgetExceeded
		if _, err := l.Changes(0, func(ch ledger.Change) error {
			if ch.Name == contract.EventBudgetExceeded {
				var b contract.BudgetExceeded
				json.Unmarshal(ch.Payload, &b)
				reports = append(reports, b)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(reports) != 1 || reports[0].Member != DemoBank1 || reports[0].Kind != SpendLookups || reports[0].Count != 11 || reports[0].Day != "2026-03-01" {
			t.Fatalf("reports on the ledger: %+v", reports)
		}
	}
	l.Close()
}

// Concurrent requests share the last units of a budget exactly: counts
// are taken in memory under one lock and written in groups, and what was
// granted is on disk when the requests are answered.
func TestConcurrentSpendsNeverExceedTheBudget(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	defer l.Close()
	ctx := context.Background()
	if _, err := n.SetupDemo(ctx, dir, "http://test"); err != nil {
		t.Fatal(err)
	}
	p := contract.DefaultPolicy()
	p.DailyLookups = 50
	arg, _ := json.Marshal(p)
	if _, err := l.Submit(ctx, DemoAssociation, "SetPolicy", arg); err != nil {
		t.Fatal(err)
	}
	c := &Client{Name: "app", Member: DemoBank1}
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted, refused := 0, 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := n.spend(ctx, c, SpendLookups, 5)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				granted++
			case errors.Is(err, ErrOverBudget):
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if granted != 10 || refused != 10 {
		t.Fatalf("%d granted, %d refused of 20 requests of 5 under a budget of 50", granted, refused)
	}
	n.Close()
	n, err := Open(dir, l)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.spend(ctx, c, SpendLookups, 1); !errors.Is(err, ErrOverBudget) {
		t.Fatalf("after a restart the spent budget is not on disk: %v", err)
	}
}
