// Command blctl is the command-line client of a blacklist node's HTTP API,
// for bank operators (submit, lookup, disputes, their own keys) and for the
// association (members, policy, audit).
//
//	blctl --server https://node.bank1.example:8443 lookup --purpose loan-approval KEY
//	blctl submit --key bank1.key --kid bank1-2026 defaults.ndjson
//
// Every command is a function of (env, args) returning an exit code, and
// env carries stdin, stdout and stderr, so tests run commands in-process
// without os.Exit.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/assoc-ledger/blacklist/internal/suggest"
)

// Exit codes are part of blctl's interface: scripts branch on them.
const (
	exitOK        = 0 // success
	exitRefused   = 1 // 4xx problem, or input refused locally; submit: a line was rejected
	exitUsage     = 2 // bad command line or unreadable file
	exitTransport = 3 // connection, timeout, 5xx or unparseable answer
	exitListed    = 4 // lookup --fail-if-listed found a listed subject
)

const defaultServer = "http://127.0.0.1:8080"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it directly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// env is what every command works with: the standard streams, the global
// settings and, once needed, the API client.
type env struct {
	ctx     context.Context
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	server  string
	apiKey  string
	output  string
	field   string // --field: print only this member of the json answer
	fullIDs bool   // --full-ids: tables show whole ids and keys
	langArg string // --lang, "" for the locale's
	lang    language.Tag
	p       *message.Printer
	loc     *time.Location // where times are shown
	timeout time.Duration
	now     func() time.Time
	client  *Client
}

// jsonOut says whether --output json was asked for.
func (e *env) jsonOut() bool { return e.output == "json" }

// api returns the HTTP client, built on first use so that local commands
// (keygen, sign) never depend on a valid --server.
func (e *env) api() *Client {
	if e.client == nil {
		e.client = newClient(e.server, e.apiKey, e.timeout, e.stderr)
		e.client.lang = e.acceptLanguage()
	}
	return e.client
}

// command is a command or subcommand; its one-line summary is in the
// help table (help.go) under its path, "members admit".
type command struct {
	name string
	run  func(e *env, args []string) int
}

// commands is a function rather than a variable because help refers to it
// and the commands refer to help: a variable would be an initialization
// cycle.
func commands() []command {
	return []command{
		{"keygen", cmdKeygen},
		{"subject-key", cmdSubjectKey},
		{"sign", cmdSign},
		{"submit", cmdSubmit},
		{"lookup", cmdLookup},
		{"members", cmdMembers},
		{"dispute", cmdDispute},
		{"audit", cmdAudit},
		{"attestation", cmdAttestation},
		{"policy", cmdPolicy},
		{"watch", cmdWatch},
		{"alerts", cmdAlerts},
		{"webhook", cmdWebhook},
		{"stats", cmdStats},
		{"rules", cmdRules},
		{"evidence", cmdEvidence},
		{"log", cmdLog},
		{"trust-root", cmdTrustRoot},
		{"protect", cmdProtect},
		{"pool-stats", cmdPoolStats},
		{"publication", cmdPublication},
		{"witness", cmdWitness},
	}
}

func (e *env) printMainUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, e.summary(c.name))
	}
	fmt.Fprintf(w, e.usage(""), b.String())
}

func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	fs := flag.NewFlagSet("blctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported below, in blctl's words
	fs.Usage = func() {}     // help is printed below, on stdout, only when asked for
	fs.StringVar(&e.server, "server", envOr("BLACKLIST_SERVER", defaultServer), "")
	fs.StringVar(&e.apiKey, "api-key", os.Getenv("BLACKLIST_API_KEY"), "")
	fs.StringVar(&e.output, "output", "table", "")
	fs.DurationVar(&e.timeout, "timeout", 30*time.Second, "")
	fs.StringVar(&e.field, "field", "", "")
	fs.BoolVar(&e.fullIDs, "full-ids", false, "")
	fs.StringVar(&e.langArg, "lang", "", "")
	if err := fs.Parse(args); err != nil {
		// the language is known as far as the flags were read: --lang
		// before the mistake, else the locale
		if e.setLang(e.langArg) != nil {
			e.setLang("en")
		}
		if errors.Is(err, flag.ErrHelp) {
			e.printMainUsage(stdout)
			return exitOK
		}
		e.localiseFlags(fs, "")
		fmt.Fprintf(stderr, "blctl: %s\n%s\n", e.flagErrorText(fs, err, ""), e.t("cli.run.help"))
		return exitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		if e.setLang(e.langArg) != nil {
			e.setLang("en")
		}
		e.printMainUsage(stderr)
		return exitUsage
	}
	name, rest := rest[0], rest[1:]
	// Global flags are accepted after the command too ("blctl lookup
	// --output json ..."): people add them at the end of a command line.
	globals, rest := splitGlobals(fs, rest)
	globalsErr := fs.Parse(globals)
	if err := e.setLang(e.langArg); err != nil {
		fmt.Fprintln(stderr, "blctl:", err)
		return exitUsage
	}
	e.localiseFlags(fs, "")
	if globalsErr != nil {
		fmt.Fprintf(stderr, "blctl: %s\n%s\n", e.flagErrorText(fs, globalsErr, ""), e.t("cli.run.help"))
		return exitUsage
	}
	if err := e.checkGlobals(); err != nil {
		fmt.Fprintln(stderr, "blctl:", err)
		return exitUsage
	}
	if name == "help" {
		return helpCommand(e, rest)
	}
	for _, c := range commands() {
		if c.name == name {
			if e.field != "" {
				return e.runField(c, rest)
			}
			return c.run(e, rest)
		}
	}
	fmt.Fprintf(stderr, "blctl: %s\n%s\n", e.t("cli.unknown.command", name, e.didYouMean(name, commandNames())), e.t("cli.run.help"))
	return exitUsage
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return append(names, "help")
}

// didYouMean is " (did you mean X?)" when name is a likely typo of one of
// names, else empty.
func (e *env) didYouMean(name string, names []string) string {
	if s, ok := suggest.Closest(name, names); ok {
		return e.t("cli.didyoumean", s)
	}
	return ""
}

// splitGlobals takes the global flags (those defined on fs) out of a
// command's arguments, up to a "--" terminator, with their values.
func splitGlobals(fs *flag.FlagSet, args []string) (globals, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return globals, append(rest, args[i:]...)
		}
		name, hasValue := strings.CutPrefix(a, "--")
		if !hasValue {
			name, hasValue = strings.CutPrefix(a, "-")
		}
		name, _, inline := strings.Cut(name, "=")
		f := fs.Lookup(name)
		if !hasValue || name == "" || f == nil {
			rest = append(rest, a)
			continue
		}
		globals = append(globals, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if !inline && i+1 < len(args) {
			i++
			globals = append(globals, args[i])
		}
	}
	return globals, rest
}

// flagErrorText rewrites the flag package's errors ("flag provided but not
// defined: -purpse") in blctl's terms, with a suggestion for a typo.
// command is the subcommand, for the hint that a global flag was meant.
func (e *env) flagErrorText(fs *flag.FlagSet, err error, command string) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		text := e.t("cli.flag.unknown", name)
		if s, ok := suggest.Closest(name, names); ok {
			return text + e.t("cli.flag.didyoumean", s)
		}
		if command != "" {
			return text + e.t("cli.flag.seehelp", command, command)
		}
		return text
	}
	if rest, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return e.t("cli.flag.needsvalue", strings.TrimLeft(rest, "-"))
	}
	if strings.HasPrefix(msg, "invalid value ") || strings.HasPrefix(msg, "invalid boolean value ") {
		// invalid value "x" for flag -batch: parse error
		if i := strings.Index(msg, " for flag -"); i > 0 {
			val := strings.TrimPrefix(strings.TrimPrefix(msg[:i], "invalid value "), "invalid boolean value ")
			rest := msg[i+len(" for flag -"):]
			name, why, _ := strings.Cut(rest, ": ")
			text := e.t("cli.flag.badvalue", name, val)
			if f := fs.Lookup(name); f != nil {
				text += e.t("cli.flag.why", f.Usage)
			}
			if why != "" && why != "parse error" && !strings.Contains(why, "strconv.") {
				text += ": " + why
			}
			return text
		}
	}
	return msg
}

// runField runs c with its json answer captured and prints the --field
// member of it.
func (e *env) runField(c command, args []string) int {
	out := e.stdout
	var buf bytes.Buffer
	e.stdout = &buf
	code := c.run(e, args)
	e.stdout = out
	if code != exitOK {
		// stdout stays empty so that X=$(blctl --field ...) is not
		// mistaken for an answer; what was printed is kept for the reader
		e.stderr.Write(buf.Bytes())
		return code
	}
	if err := pickField(out, buf.Bytes(), e.field); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// helpCommand makes "blctl help submit" the same as "blctl submit --help".
func helpCommand(e *env, args []string) int {
	if len(args) == 0 {
		e.printMainUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, append(args[1:], "--help"))
		}
	}
	fmt.Fprintf(e.stderr, "blctl: %s\n%s\n", e.t("cli.unknown.command", args[0], e.didYouMean(args[0], commandNames())), e.t("cli.run.help"))
	return exitUsage
}

func (e *env) checkGlobals() error {
	if e.output != "table" && e.output != "json" {
		return fmt.Errorf("--output must be table or json, got %q", e.output)
	}
	if e.field != "" {
		e.output = "json" // the member is picked from the json answer
	}
	if e.timeout <= 0 {
		return fmt.Errorf("--timeout must be positive, got %s", e.timeout)
	}
	u, err := url.Parse(e.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--server must be an http:// or https:// URL, got %q", e.server)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// cmdFlags is a subcommand's flag set.
type cmdFlags struct {
	*flag.FlagSet
	e    *env
	name string
}

// flags starts a subcommand's flag set. Its help text (synopsis, what the
// command does, examples) and the descriptions of its flags are in the
// help table under name, in both languages (help.go): flags are defined
// with an empty usage, filled in by parse.
func (e *env) flags(name string) *cmdFlags {
	fs := flag.NewFlagSet("blctl "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors in blctl's words
	fs.Usage = func() {}
	return &cmdFlags{FlagSet: fs, e: e, name: name}
}

// parse parses flags and positional arguments in any order (flag alone
// stops at the first positional, but "members suspend MSP --reason x" reads
// naturally). ok is false when the command should end with code.
func (c *cmdFlags) parse(args []string) (pos []string, code int, ok bool) {
	c.e.localiseFlags(c.FlagSet, c.name)
	for {
		err := c.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(c.e.stdout)
			return nil, exitOK, false
		}
		if err != nil {
			fmt.Fprintf(c.e.stderr, "blctl %s: %s\n%s\n", c.name, c.e.flagErrorText(c.FlagSet, err, c.name), c.e.t("cli.run.cmdhelp", c.name))
			return nil, exitUsage, false
		}
		rest := c.Args()
		if len(rest) == 0 {
			return pos, 0, true
		}
		// flag consumes a "--" terminator: everything after it is positional.
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, true
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func (c *cmdFlags) printHelp(w io.Writer) {
	fmt.Fprint(w, c.e.usage(c.name))
	c.e.printFlags(w, c.FlagSet)
}

// usageErr reports a command-line mistake and returns exitUsage.
func (c *cmdFlags) usageErr(format string, args ...any) int {
	fmt.Fprintf(c.e.stderr, "blctl %s: %s\n%s\n", c.name, fmt.Sprintf(format, args...), c.e.t("cli.run.cmdhelp", c.name))
	return exitUsage
}

// required reports the first of the named string flags left empty.
func (c *cmdFlags) required(names ...string) (int, bool) {
	for _, n := range names {
		if f := c.Lookup(n); f != nil && f.Value.String() == "" {
			if f.Usage == "" {
				return c.usageErr("%s", c.e.t("cli.flag.requiredbare", n)), false
			}
			return c.usageErr("%s", c.e.t("cli.flag.required", n, f.Usage)), false
		}
	}
	return 0, true
}

// group dispatches "blctl members admit ..." style subcommands.
func (e *env) group(name string, args []string, subs []command) int {
	var b strings.Builder
	for _, s := range subs {
		fmt.Fprintf(&b, "  %-11s %s\n", s.name, e.summary(name+" "+s.name))
	}
	help := fmt.Sprintf(e.usage(name), b.String())
	if len(args) == 0 {
		fmt.Fprint(e.stderr, help)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprint(e.stdout, help)
		return exitOK
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(e, args[1:])
		}
	}
	var names []string
	for _, s := range subs {
		names = append(names, s.name)
	}
	fmt.Fprintf(e.stderr, "blctl %s: %s\n%s\n", name, e.t("cli.unknown.subcommand", args[0], e.didYouMean(args[0], names)), e.t("cli.run.cmdhelp", name))
	return exitUsage
}

// usageError is a command-line or input-file mistake found after flag
// parsing (an unreadable file, an unknown CSV column).
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// refusedError is input blctl refuses before sending it, for the same kind
// of reason the server would (exit 1, like a 4xx).
type refusedError struct{ err error }

func (r *refusedError) Error() string { return r.err.Error() }
func (r *refusedError) Unwrap() error { return r.err }

func refused(err error) error { return &refusedError{err: err} }

// fail prints err for an operator and returns its exit code.
func (e *env) fail(err error) int {
	var p *Problem
	var se *ServerError
	var ue *usageError
	switch {
	case errors.As(err, &p):
		e.printProblem(p)
		if p.Status == 401 && e.apiKey == "" {
			fmt.Fprintln(e.stderr, e.t("cli.hint.apikey"))
		}
		if p.Status >= 500 {
			return exitTransport
		}
		return exitRefused
	case errors.As(err, &se):
		fmt.Fprintln(e.stderr, "blctl:", se)
		return exitTransport
	case errors.As(err, &ue):
		fmt.Fprintln(e.stderr, "blctl:", ue)
		return exitUsage
	default:
		fmt.Fprintln(e.stderr, "blctl:", err)
		return exitRefused
	}
}

// readInput reads a named file, or stdin for "-". A file that cannot be
// read is a usage error: the command line named it.
func (e *env) readInput(name string) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, usagef("reading stdin: %v", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return b, nil
}
