package main

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// statsAnswer is the part of GET /v1/statistics the table and the CSV
// show (json output prints the whole answer).
type statsAnswer struct {
	From         string `json:"from"`
	To           string `json:"to"`
	By           string `json:"by"`
	AsOf         uint64 `json:"asOf"`
	ListedNow    int64  `json:"listedNow"`
	OpenDisputes int64  `json:"openDisputes"`
	Periods      []struct {
		Period      string `json:"period"`
		Defaults    struct{ Total int64 }
		Settlements struct{ Total int64 }
		Revocations struct{ Total int64 }
		ByReporters struct {
			One   int64 `json:"1"`
			Two   int64 `json:"2"`
			Three int64 `json:"3+"`
		} `json:"defaultsByReporters"`
		Disputes struct{ Opened, Answered, Overdue int64 }
		Lookups  struct{ Total int64 }
	} `json:"periods"`
}

// statsColumns are the table's and the CSV's columns, one row per period.
var statsColumns = []string{"PERIOD", "DEFAULTS", "SETTLEMENTS", "REVOCATIONS", "1 REPORTER", "2 REPORTERS", "3+ REPORTERS",
	"DISPUTES OPENED", "ANSWERED", "OVERDUE", "LOOKUPS"}

func cmdStats(e *env, args []string) int {
	f := e.flags("stats")
	now := e.now().In(statsZone)
	from := f.String("from", now.AddDate(0, -11, 1-now.Day()).Format(time.DateOnly), "")
	to := f.String("to", now.Format(time.DateOnly), "")
	by := f.String("by", "month", "")
	format := f.String("format", "table", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if *format != "table" && *format != "csv" {
		return f.usageErr("--format must be table or csv, got %q", *format)
	}
	q := url.Values{"from": {*from}, "to": {*to}, "by": {*by}}
	var raw json.RawMessage
	if err := e.call("GET", "/v1/statistics", q, nil, &raw); err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		if err := e.printRaw(raw); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	var st statsAnswer
	if err := json.Unmarshal(raw, &st); err != nil {
		return e.fail(&ServerError{Op: "GET /v1/statistics", Err: err})
	}
	rows := make([][]string, 0, len(st.Periods))
	for _, p := range st.Periods {
		n := func(v int64) string { return strconv.FormatInt(v, 10) }
		rows = append(rows, []string{p.Period, n(p.Defaults.Total), n(p.Settlements.Total), n(p.Revocations.Total),
			n(p.ByReporters.One), n(p.ByReporters.Two), n(p.ByReporters.Three),
			n(p.Disputes.Opened), n(p.Disputes.Answered), n(p.Disputes.Overdue), n(p.Lookups.Total)})
	}
	if *format == "csv" {
		w := csv.NewWriter(e.stdout)
		_ = w.Write(statsColumns) // CSV headers stay English: programs read them
		_ = w.WriteAll(rows)      // flushes
		if err := w.Error(); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	w := e.table()
	e.header(w, statsColumns...)
	for _, r := range rows {
		row(w, r...)
	}
	if err := w.Flush(); err != nil {
		return e.fail(err)
	}
	t := e.table()
	e.row(t, "listed now", strconv.FormatInt(st.ListedNow, 10))
	e.row(t, "open disputes", strconv.FormatInt(st.OpenDisputes, 10))
	e.row(t, "as of height", strconv.FormatUint(st.AsOf, 10))
	if err := t.Flush(); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// statsZone is the calendar the statistics count in (Asia/Shanghai), for
// the default range.
var statsZone = time.FixedZone("CST", 8*3600)
