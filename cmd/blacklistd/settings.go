package main

import (
	"encoding"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"

	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// settings defines each of blacklistd's settings once: a call such as
//
//	s.String(&cfg.Listen, "listen", "listen", "HTTP listen address")
//
// makes the flag --listen, the environment variable BLACKLISTD_LISTEN
// (BLACKLISTD_ and the flag name in upper snake case, by ff) and the
// config-file key "listen" ("webhooks.minBackoff" is {"webhooks":
// {"minBackoff": ...}}), and puts all three in --help. ff applies them in
// order of precedence: flag, environment, config file, default. A value
// that does not parse is an error naming where it came from, never a
// silent default.
type settings struct {
	fs    *flag.FlagSet
	order []string          // flag names in definition order, for --help
	keys  map[string]string // config-file key -> flag name
	names map[string]string // flag name -> config-file key
}

const envPrefix = "BLACKLISTD"

func newSettings(fs *flag.FlagSet) *settings {
	return &settings{fs: fs, keys: map[string]string{}, names: map[string]string{}}
}

func (s *settings) add(name, key string) {
	if _, dup := s.keys[key]; dup {
		panic("blacklistd: config key " + key + " defined twice")
	}
	s.order, s.keys[key], s.names[name] = append(s.order, name), name, key
}

func (s *settings) String(p *string, name, key, usage string) {
	s.fs.StringVar(p, name, *p, usage)
	s.add(name, key)
}

func (s *settings) Bool(p *bool, name, key, usage string) {
	s.fs.BoolVar(p, name, *p, usage)
	s.add(name, key)
}

func (s *settings) Int(p *int, name, key, usage string) {
	s.fs.IntVar(p, name, *p, usage)
	s.add(name, key)
}

func (s *settings) Int64(p *int64, name, key, usage string) {
	s.fs.Int64Var(p, name, *p, usage)
	s.add(name, key)
}

func (s *settings) Float64(p *float64, name, key, usage string) {
	s.fs.Float64Var(p, name, *p, usage)
	s.add(name, key)
}

func (s *settings) Duration(p *time.Duration, name, key, usage string) {
	s.fs.DurationVar(p, name, *p, usage)
	s.add(name, key)
}

// List is a repeatable, comma-separated setting ("a,b" or the flag given
// twice); in the config file, a list of strings.
func (s *settings) List(p *[]string, name, key, usage string) {
	s.fs.Var(&listFlag{list: p}, name, usage)
	s.add(name, key)
}

// listFlag is a repeatable, comma-separated flag value. Its first Set
// replaces the default; later ones add to it.
type listFlag struct {
	list *[]string
	set  bool
}

func (f *listFlag) String() string {
	if f.list == nil {
		return ""
	}
	return strings.Join(*f.list, ",")
}

func (f *listFlag) Set(v string) error {
	if !f.set {
		*f.list, f.set = nil, true
	}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*f.list = append(*f.list, s)
		}
	}
	return nil
}

// Text is a setting of a type that parses itself (slog.Level).
func (s *settings) Text(p interface {
	encoding.TextUnmarshaler
	encoding.TextMarshaler
}, name, key, usage string) {
	s.fs.TextVar(p, name, p, usage)
	s.add(name, key)
}

// parse reads args, the environment and the --config file (configFlag
// names it) into the settings.
func (s *settings) parse(args []string, configFlag string) error {
	return ff.Parse(s.fs, args, ff.WithEnvVarPrefix(envPrefix), ff.WithConfigFileFlag(configFlag),
		ff.WithConfigFileParser(s.parseJSON))
}

// envName is the environment variable of a flag, as ff derives it.
func envName(flagName string) string {
	return envPrefix + "_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_", "/", "_").Replace(flagName))
}

// parseJSON is the config-file parser: a JSON object whose keys are the
// settings' keys, one level of nesting for groups ("webhooks", "fabric").
// It is strict like every JSON the node reads: a repeated or unknown key,
// or a value that is not a string, number or boolean, is an error.
func (s *settings) parseJSON(r io.Reader, set func(name, value string) error) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := strictjson.Decode(b, &top); err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	return s.setFrom("", top, set)
}

func (s *settings) setFrom(prefix string, obj map[string]json.RawMessage, set func(name, value string) error) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error is the same on every run
	for _, k := range keys {
		path, raw := prefix+k, obj[k]
		if name, ok := s.keys[path]; ok {
			v, err := scalar(raw)
			if err == nil {
				err = set(name, v)
			}
			if err != nil {
				return fmt.Errorf("config file key %s: %w", path, err)
			}
			continue
		}
		if s.isGroup(path) {
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(raw, &inner); err != nil || inner == nil {
				return fmt.Errorf("config file key %s: must be an object", path)
			}
			if err := s.setFrom(path+".", inner, set); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("config file key %s: unknown (blacklistd --help lists the keys)", path)
	}
	return nil
}

func (s *settings) isGroup(path string) bool {
	for key := range s.keys {
		if strings.HasPrefix(key, path+".") {
			return true
		}
	}
	return false
}

// scalar turns a JSON string, number or boolean into the text a flag
// parses; a list of strings (for a List setting) becomes "a,b".
func scalar(raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case bool, float64:
		return string(raw), nil
	case []any:
		items := make([]string, len(v))
		for i, it := range v {
			s, ok := it.(string)
			if !ok || strings.Contains(s, ",") {
				return "", fmt.Errorf("a list must hold strings without commas, not %s", raw)
			}
			items[i] = s
		}
		return strings.Join(items, ","), nil
	}
	return "", fmt.Errorf("must be a string, number, boolean or list of strings, not %s", raw)
}

// usage writes --help: every setting with its three names, generated from
// the definitions.
func (s *settings) usage(w io.Writer, head string) {
	fmt.Fprint(w, head)
	names := append([]string{}, s.order...)
	s.fs.VisitAll(func(f *flag.Flag) { // flags defined outside settings (--config)
		if _, ok := s.names[f.Name]; !ok {
			names = append([]string{f.Name}, names...)
		}
	})
	for _, name := range names {
		f := s.fs.Lookup(name)
		typ, help := flag.UnquoteUsage(f)
		line := "  --" + name
		if typ != "" {
			line += " " + typ
		}
		line += "    " + envName(name)
		if key, ok := s.names[name]; ok {
			line += ", config key " + key
		}
		fmt.Fprintln(w, line)
		switch {
		case f.DefValue == "" || f.DefValue == "0" || f.DefValue == "false" || f.DefValue == "0s":
		case typ == "string":
			help += fmt.Sprintf(" (default %q)", f.DefValue)
		default:
			help += " (default " + f.DefValue + ")"
		}
		fmt.Fprintln(w, "        "+help)
	}
}
