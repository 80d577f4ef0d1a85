package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func cmdAttestation(e *env, args []string) int {
	if len(args) > 0 && args[0] == "show" {
		return attestationShow(e, args[1:])
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help") {
		fmt.Fprint(e.stdout, e.usage("attestation show"))
		return exitOK
	}
	fmt.Fprint(e.stderr, e.usage("attestation show"))
	return exitUsage
}

type attestationAnswer struct {
	contract.AttestationView
	AsOf uint64 `json:"asOf"`
}

func attestationShow(e *env, args []string) int {
	f := e.flags("attestation show")
	purpose := f.String("purpose", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.required("purpose"); !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one attestation ID")
	}
	id, err := e.resolve(kindAttestation, pos[0])
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	path := apiPath("/v1/attestations/%s", id) + "?purpose=" + url.QueryEscape(*purpose)
	if err := e.call("GET", path, nil, nil, &raw); err != nil {
		return e.fail(err)
	}
	var a attestationAnswer
	return e.show(raw, &a, func() error {
		p := a.Payload
		w := e.table()
		e.row(w, "id", a.ID)
		e.row(w, "type", p.Type)
		e.row(w, "reporter", p.Reporter)
		e.row(w, "subject", p.Subject)
		e.row(w, "issued", e.when(p.IssuedAt))
		e.row(w, "state", orDash(a.State))
		e.row(w, "closed by", orDash(a.ClosedBy))
		e.row(w, "kid", a.KeyID)
		e.row(w, "recorded", e.when(a.RecordedAt))
		e.row(w, "tx", a.TxID)
		e.row(w, "as of height", strconv.FormatUint(a.AsOf, 10))
		optional := [][2]string{
			{"loan ref", p.LoanRef}, {"product", p.Product}, {"currency", p.Currency},
			{"overdue since", p.OverdueSince}, {"notice date", p.NoticeDate},
			{"refers to", p.RefersTo}, {"settled on", p.SettledOn}, {"kind", p.Kind}, {"reason", p.Reason},
		}
		if p.Amount != nil {
			optional = append(optional, [2]string{"amount (minor units)", strconv.FormatInt(*p.Amount, 10)})
		}
		if p.DaysPastDue != nil {
			optional = append(optional, [2]string{"days past due", strconv.Itoa(*p.DaysPastDue)})
		}
		for _, kv := range optional {
			if kv[1] != "" {
				row(w, kv[0], kv[1])
			}
		}
		return w.Flush()
	})
}
