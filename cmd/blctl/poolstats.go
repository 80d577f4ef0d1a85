package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// poolCell, poolBucket and poolReport are the answer of POST
// /v1/pool-statistics (docs/openapi.yaml, PoolReport), decoded here so
// that blctl does not link the node's packages.
type poolCell struct {
	Count      *int     `json:"count"`
	Share      *float64 `json:"share"`
	Suppressed bool     `json:"suppressed"`
}

type poolBucket struct {
	Bucket string `json:"bucket"`
	poolCell
}

type poolReport struct {
	AsOf           uint64       `json:"asOf"`
	PoolDigest     string       `json:"poolDigest"`
	PoolSize       int          `json:"poolSize"`
	Duplicates     int          `json:"duplicates"`
	MinCount       int          `json:"minCount"`
	Listed         poolCell     `json:"listed"`
	NotListed      poolCell     `json:"notListed"`
	ActiveDefaults []poolBucket `json:"activeDefaults"`
	OtherMembers   []poolBucket `json:"otherMembers"`
	DaysPastDue    []poolBucket `json:"daysPastDue"`
	Products       []poolBucket `json:"products"`
	Outstanding    []struct {
		Currency string   `json:"currency"`
		Subjects poolCell `json:"subjects"`
		Total    string   `json:"total"`
	} `json:"outstanding"`
	Disputed  poolCell     `json:"disputed"`
	Protected poolCell     `json:"protected"`
	Vintages  []poolBucket `json:"vintages"`
}

// blctl pool-stats: NPL pool statistics for ABS due diligence
// (POST /v1/pool-statistics). The file is streamed to the node as it is
// read, with the watchlist import's progress meter; the answer is printed
// as a table, or as CSV (one row a cell) for spreadsheets.

func init() {
	for en, zh := range map[string]string{
		"FIGURE": "指标", "BUCKET": "分组", "COUNT": "人数", "SHARE": "占比", "TOTAL": "未结总额",
		"pool size": "资产池人数", "duplicates": "重复行", "minimum count": "最小计数", "pool digest": "资产池摘要",
		"listed": "已列入", "not listed": "未列入", "active defaults": "有效违约笔数", "other members": "其他成员的违约",
		"days past due": "逾期天数", "product": "产品", "outstanding": "未结金额", "disputed": "有异议",
		"protected": "保护性登记", "vintage": "首次逾期季度",
	} {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
	l10n.Register(l10n.Entry{Key: "cli.note.suppressed", EN: "suppressed", ZH: "已隐藏"},
		l10n.Entry{Key: "cli.pool.note", EN: "cells counting fewer than %d subjects, or giving such a cell away, are suppressed",
			ZH: "人数少于 %d 的单元格，以及可推算出这类单元格的单元格，均已隐藏"})
}

// poolRow is one cell of a report, flattened.
type poolRow struct {
	figure, bucket string
	cell           poolCell
	total          string
}

func poolRows(r poolReport) []poolRow {
	rows := []poolRow{{figure: "listed", cell: r.Listed}, {figure: "not listed", cell: r.NotListed}}
	for _, g := range []struct {
		name string
		bs   []poolBucket
	}{{"active defaults", r.ActiveDefaults}, {"other members", r.OtherMembers}, {"days past due", r.DaysPastDue}, {"product", r.Products}} {
		for _, b := range g.bs {
			rows = append(rows, poolRow{figure: g.name, bucket: b.Bucket, cell: b.poolCell})
		}
	}
	for _, c := range r.Outstanding {
		rows = append(rows, poolRow{figure: "outstanding", bucket: c.Currency, cell: c.Subjects, total: c.Total})
	}
	rows = append(rows, poolRow{figure: "disputed", cell: r.Disputed}, poolRow{figure: "protected", cell: r.Protected})
	for _, b := range r.Vintages {
		rows = append(rows, poolRow{figure: "vintage", bucket: b.Bucket, cell: b.poolCell})
	}
	return rows
}

func cmdPoolStats(e *env, args []string) int {
	f := e.flags("pool-stats")
	format := f.String("format", "table", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected exactly one pool FILE (NDJSON; - for stdin), got %d", len(pos))
	}
	if *format != "table" && *format != "csv" {
		return f.usageErr("--format must be table or csv, got %q", *format)
	}
	in, closeIn, err := openSubmitInput(e, pos[0])
	if err != nil {
		return e.fail(err)
	}
	defer closeIn()
	meter := newUploadMeter(e, in, inputSize(in))
	var raw json.RawMessage
	err = e.api().Upload(e.ctx, "/v1/pool-statistics", url.Values{"purpose": {"abs-due-diligence"}}, "application/x-ndjson", meter, &raw)
	meter.finish()
	if err != nil {
		return e.fail(err)
	}
	var rep poolReport
	if err := json.Unmarshal(raw, &rep); err != nil {
		return e.fail(&ServerError{Op: "POST /v1/pool-statistics", Err: fmt.Errorf("answer does not parse: %v", err)})
	}
	switch {
	case e.jsonOut():
		err = e.printRaw(raw)
	case *format == "csv":
		err = printPoolCSV(e, rep)
	default:
		err = printPoolTable(e, rep)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

func shareText(c poolCell) string {
	if c.Share == nil {
		return ""
	}
	return strconv.FormatFloat(*c.Share*100, 'f', 2, 64) + "%"
}

func printPoolTable(e *env, r poolReport) error {
	w := e.table()
	e.row(w, "pool size", strconv.Itoa(r.PoolSize))
	e.row(w, "duplicates", strconv.Itoa(r.Duplicates))
	e.row(w, "minimum count", strconv.Itoa(r.MinCount))
	e.row(w, "as of height", strconv.FormatUint(r.AsOf, 10))
	e.row(w, "pool digest", r.PoolDigest)
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	w = e.table()
	e.header(w, "FIGURE", "BUCKET", "COUNT", "SHARE", "TOTAL")
	for _, p := range poolRows(r) {
		count := e.label("note", "suppressed")
		if p.cell.Count != nil {
			count = strconv.Itoa(*p.cell.Count)
		}
		total := "-"
		if p.total != "" {
			total = p.total
		}
		row(w, e.label("label", p.figure), orDash(p.bucket), count, orDash(shareText(p.cell)), total)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(e.stdout, e.t("cli.pool.note", r.MinCount))
	return err
}

// printPoolCSV writes one row a cell: figure, bucket, count, share (0 to
// 1), suppressed, total (minor units, outstanding rows only), with a
// header; the figure names are the JSON answer's.
func printPoolCSV(e *env, r poolReport) error {
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"figure", "bucket", "count", "share", "suppressed", "total"})
	w.Write([]string{"poolSize", "", strconv.Itoa(r.PoolSize), "", "false", ""})
	names := map[string]string{"listed": "listed", "not listed": "notListed", "active defaults": "activeDefaults",
		"other members": "otherMembers", "days past due": "daysPastDue", "product": "products", "outstanding": "outstanding",
		"disputed": "disputed", "protected": "protected", "vintage": "vintages"}
	for _, p := range poolRows(r) {
		count, share := "", ""
		if p.cell.Count != nil {
			count = strconv.Itoa(*p.cell.Count)
		}
		if p.cell.Share != nil {
			share = strconv.FormatFloat(*p.cell.Share, 'f', -1, 64)
		}
		w.Write([]string{names[p.figure], p.bucket, count, share, strconv.FormatBool(p.cell.Suppressed), p.total})
	}
	w.Flush()
	return w.Error()
}
