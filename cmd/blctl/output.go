package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

// call is Client.Do with the command's context.
func (e *env) call(method, path string, query url.Values, in, out any) error {
	return e.api().Do(e.ctx, method, path, query, in, out)
}

// printJSON writes v indented, for --output json.
func (e *env) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}

// printRaw writes a server answer indented but otherwise untouched, so
// that json output carries fields this blctl does not know yet.
func (e *env) printRaw(raw json.RawMessage) error {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := e.stdout.Write(b.Bytes())
	return err
}

// table returns a writer that aligns tab-separated columns; Flush it.
func (e *env) table() *tabwriter.Writer {
	return tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
}

// row writes one tab-separated line.
func row(w io.Writer, cols ...string) {
	fmt.Fprintln(w, strings.Join(cols, "\t"))
}

// short abbreviates a 64-hex key or id for tables, unless --full-ids; json
// output has it whole. Every command that takes an id or key accepts such a
// prefix back (resolve.go).
func (e *env) short(s string) string {
	if e.fullIDs {
		return s
	}
	return short(s)
}

// short is the abbreviation itself, for tests and fixed-width columns.
func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// amounts renders currency -> minor units, sorted by currency so that
// output is stable. Minor units are printed as they are: converting needs
// each currency's exponent, and a wrong guess would misstate a debt.
func amounts(m map[string]int64) string {
	if len(m) == 0 {
		return "-"
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, m[c])
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// isTerminal reports whether w is a character device, the standard
// library's way of telling a console from a file or pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
