package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// blctl's help in English and Simplified Chinese (decision 0015). The
// texts are in helptexts.go, each once per language, keyed by command
// path ("", "lookup", "members admit"):
//
//   - usageTexts: what --help prints before the flags: synopsis, what the
//     command does, examples. Printed as they are, not through the message
//     catalogue: they are documents, and some show a shell printf '%s'. The
//     top-level text and the groups' take the command list as their one %s.
//   - summaryTexts: the one line a command or subcommand has in its
//     parent's list.
//   - flagTexts: a flag's description, keyed "PATH --flag"; a description
//     shared by several commands is given once under a shorter path
//     ("members --reason", "--purpose") and found by dropping words from
//     the end of the path.
//
// Flags are defined in the code with an empty usage and filled in from
// flagTexts before parsing, so errors that quote a flag's description
// ("--purpose is required (...)") are in the user's language too.
// Command names, flag names, placeholders and example command lines are
// the same in both languages: a test holds them to it.

// bilingual is one help text in both languages.
type bilingual struct{ EN, ZH string }

// in picks the text of e's language.
func (e *env) in(b bilingual) string {
	if e.zh() {
		return b.ZH
	}
	return b.EN
}

// usage is the help text of the command at path ("" for blctl itself).
func (e *env) usage(path string) string { return e.in(usageTexts[path]) }

// summary is the one-line description of the command at path.
func (e *env) summary(path string) string { return e.in(summaryTexts[path]) }

// flagText finds the description of flag name of the command at path.
func flagText(path, name string) (bilingual, bool) {
	words := strings.Fields(path)
	for n := len(words); n >= 0; n-- {
		key := strings.TrimSpace(strings.Join(words[:n], " ") + " --" + name)
		if b, ok := flagTexts[key]; ok {
			return b, true
		}
	}
	return bilingual{}, false
}

// localiseFlags sets the usage of fs's flags from the help table in e's
// language; a flag the table lacks keeps what the code gave.
func (e *env) localiseFlags(fs *flag.FlagSet, path string) {
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := flagText(path, f.Name); ok {
			f.Usage = e.in(b)
		}
	})
}

// printFlags lists fs's flags after a command's help text, as the flag
// package would but with blctl's "--" and in e's language.
func (e *env) printFlags(w io.Writer, fs *flag.FlagSet) {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", e.t("cli.help.flags"))
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if kind != "" {
			line += " " + kind
		}
		switch f.DefValue {
		case "", "0", "false", "0s", "[]":
		default:
			usage += e.t("cli.help.default", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n        %s\n", line, strings.ReplaceAll(usage, "\n", "\n        "))
	})
}
