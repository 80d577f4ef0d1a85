package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"golang.org/x/text/width"
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
func (e *env) table() *table {
	return &table{w: e.stdout}
}

// table aligns tab-separated columns like text/tabwriter (two spaces
// between columns, the last cell of a line not padded), but by display
// width: a Chinese character takes two columns of a terminal, and
// tabwriter, which counts runes, would misalign every Chinese table.
type table struct {
	w    io.Writer
	buf  bytes.Buffer
	rows [][]string
}

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the rows written so far, aligned.
func (t *table) Flush() error {
	text := strings.TrimSuffix(t.buf.String(), "\n")
	t.buf.Reset()
	if text == "" {
		return nil
	}
	var rows [][]string
	for _, line := range strings.Split(text, "\n") {
		rows = append(rows, strings.Split(line, "\t"))
	}
	var widths []int
	for _, r := range rows {
		for i, c := range r[:len(r)-1] {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// displayWidth counts East Asian wide and full-width characters as two
// columns (golang.org/x/text/width), everything else as one.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
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
