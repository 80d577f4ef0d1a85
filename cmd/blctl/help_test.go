package main

import (
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/assoc-ledger/blacklist/internal/l10n"
)

var flagName = regexp.MustCompile(`--[a-z][a-z0-9-]*`)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func flagSet(s string) string {
	fs := flagName.FindAllString(s, -1)
	sort.Strings(fs)
	return strings.Join(slicesCompact(fs), " ")
}

func slicesCompact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// commandLines are the lines of an English help text that must appear in
// the Chinese one unchanged: the synopsis (after "Usage: ") and every line
// of the examples.
func commandLines(en string) []string {
	var out []string
	examples := false
	for _, line := range strings.Split(en, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "Example"):
			examples = true
		case strings.HasPrefix(trimmed, "Run 'blctl"), trimmed == "":
			if trimmed != "" {
				examples = false
			}
		case strings.HasPrefix(trimmed, "Usage: "):
			out = append(out, strings.TrimPrefix(trimmed, "Usage: "))
		case examples || (strings.HasPrefix(line, " ") && strings.HasPrefix(trimmed, "blctl ")):
			out = append(out, line)
		}
	}
	return out
}

// TestHelpInBothLanguages: every help text, summary and flag description
// has both languages; the Chinese names the same flags, takes the same
// verbs and keeps the synopsis and example command lines as they are.
func TestHelpInBothLanguages(t *testing.T) {
	check := func(kind, key string, b bilingual) {
		t.Helper()
		if strings.TrimSpace(b.EN) == "" || !hasHan(b.ZH) {
			t.Errorf("%s %q: a language is missing: %+v", kind, key, b)
			return
		}
		if hasHan(b.EN) {
			t.Errorf("%s %q: the English text has Chinese in it", kind, key)
		}
		if flagSet(b.EN) != flagSet(b.ZH) {
			t.Errorf("%s %q: flags differ: %s / %s", kind, key, flagSet(b.EN), flagSet(b.ZH))
		}
		if l10n.Verbs(b.EN) != l10n.Verbs(b.ZH) {
			t.Errorf("%s %q: verbs differ: %s / %s", kind, key, l10n.Verbs(b.EN), l10n.Verbs(b.ZH))
		}
	}
	for k, b := range usageTexts {
		check("usage", k, b)
		if !strings.HasPrefix(b.ZH, "用法：blctl "+k) && k != "" {
			t.Errorf("usage %q: the Chinese does not start with 用法：blctl %s", k, k)
		}
		for _, line := range commandLines(b.EN) {
			if !strings.Contains(b.ZH, line) {
				t.Errorf("usage %q: the Chinese lacks the line %q", k, line)
			}
		}
	}
	for k, b := range summaryTexts {
		check("summary", k, b)
	}
	for k, b := range flagTexts {
		check("flag", k, b)
	}
}

// TestEveryCommandHasHelp: every command name the code gives e.flags,
// e.group or e.getNoArgs has a help text, and no flag is defined with a
// description of its own (it would be English only).
func TestEveryCommandHasHelp(t *testing.T) {
	defs := map[string]int{"String": 2, "Bool": 2, "Int": 2, "Int64": 2, "Uint64": 2, "Duration": 2,
		"StringVar": 3, "BoolVar": 3, "IntVar": 3, "Int64Var": 3, "Uint64Var": 3, "DurationVar": 3, "Var": 2}
	eachCall(t, func(fset *token.FileSet, call *ast.CallExpr, sel *ast.SelectorExpr, lit func(int) (string, bool)) {
		var cmd string
		switch sel.Sel.Name {
		case "flags", "group":
			cmd, _ = lit(0)
		case "getNoArgs":
			cmd, _ = lit(2)
		}
		if _, ok := usageTexts[cmd]; cmd != "" && !ok {
			t.Errorf("%s: command %q has no help text in helptexts.go", fset.Position(call.Pos()), cmd)
		}
		if i, ok := defs[sel.Sel.Name]; ok && len(call.Args) == i+1 {
			if s, ok := lit(i); ok && s != "" {
				t.Errorf("%s: a flag described in the code (%q): describe it in flagTexts", fset.Position(call.Pos()), s)
			}
		}
	})
}

// helpPaths are blctl's commands and the subcommands their help lists.
func helpPaths(t *testing.T) []string {
	var paths []string
	for _, c := range commands() {
		paths = append(paths, c.name)
		_, out, _ := runCLI(t, "", c.name, "--help")
		_, list, found := strings.Cut(out, "\nSubcommands:\n")
		if !found {
			continue
		}
		for _, line := range strings.Split(list, "\n") {
			if !strings.HasPrefix(line, "  ") {
				break
			}
			paths = append(paths, c.name+" "+strings.Fields(line)[0])
		}
	}
	return paths
}

// TestHelpSpeaksTheLanguage: every command's and subcommand's --help,
// flags included, is English by default and Chinese with --lang zh, and
// lists no command without its summary.
func TestHelpSpeaksTheLanguage(t *testing.T) {
	paths := helpPaths(t)
	if len(paths) < len(commands())+20 {
		t.Fatalf("only %d commands found: %q", len(paths), paths)
	}
	for _, p := range append(paths, "audit export", "audit verify") {
		args := append(strings.Fields(p), "--help")
		code, en, errOut := runCLI(t, "", args...)
		if code != exitOK || !strings.HasPrefix(en, "Usage: blctl "+p) || hasHan(en) || !strings.Contains(en, "xample") {
			t.Errorf("%s --help: exit %d\n%s%s", p, code, en, errOut)
		}
		code, zh, errOut := runCLI(t, "", append([]string{"--lang", "zh"}, args...)...)
		if code != exitOK || !strings.HasPrefix(zh, "用法：blctl "+p) || !strings.Contains(zh, "示例") {
			t.Errorf("--lang zh %s --help: exit %d\n%s%s", p, code, zh, errOut)
		}
		for _, english := range []string{"Usage", "Flags:", "Example", "Subcommands", "(default"} {
			if strings.Contains(zh, english) {
				t.Errorf("--lang zh %s --help: %q left in English\n%s", p, english, zh)
			}
		}
		// the flags' descriptions, and the subcommands' summaries
		if _, flags, ok := strings.Cut(zh, "\n参数：\n"); ok {
			for _, line := range strings.Split(strings.TrimSpace(flags), "\n") {
				if line = strings.TrimSpace(line); !strings.HasPrefix(line, "--") && !hasHan(line) {
					t.Errorf("--lang zh %s --help: flag description %q", p, line)
				}
			}
		}
		if _, subs, ok := strings.Cut(zh, "\n子命令：\n"); ok {
			for _, line := range strings.Split(subs, "\n") {
				if !strings.HasPrefix(line, "  ") {
					break
				}
				if !hasHan(line) {
					t.Errorf("--lang zh %s --help: subcommand without summary: %q", p, line)
				}
			}
		}
	}
}

// TestHelpLanguageChoice is the example: --lang zh or a Chinese
// locale chooses Chinese help, anything else English; usage errors (exit
// 2) print the help in the same language.
func TestHelpLanguageChoice(t *testing.T) {
	code, out, _ := runCLI(t, "", "--lang", "zh", "lookup", "--help")
	if code != exitOK || !strings.HasPrefix(out, "用法：blctl lookup --purpose P") || !strings.Contains(out, "贷前审查") ||
		!strings.Contains(out, "  --purpose string\n        用途：loan-approval") {
		t.Errorf("--lang zh lookup --help: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "lookup", "--help")
	if code != exitOK || !strings.HasPrefix(out, "Usage: blctl lookup") || !strings.Contains(out, "\nFlags:\n  --fail-if-listed\n") || hasHan(out) {
		t.Errorf("lookup --help: exit %d\n%s", code, out)
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	code, out, _ = runCLI(t, "", "--help")
	if code != exitOK || !strings.HasPrefix(out, "blctl 是黑名单账本节点") || !strings.Contains(out, "  lookup       查询主体的黑名单状态\n") || !strings.Contains(out, "退出码") {
		t.Errorf("LANG=zh_CN.UTF-8 blctl --help: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "help", "submit")
	if code != exitOK || !strings.HasPrefix(out, "用法：blctl submit") || !strings.Contains(out, "（默认 500）") {
		t.Errorf("LANG=zh_CN.UTF-8 blctl help submit: exit %d\n%s", code, out)
	}
	// --lang en wins over the locale, wherever it stands
	for _, args := range [][]string{{"--lang", "en", "--help"}, {"lookup", "--help", "--lang", "en"}, {"--lang", "en", "help", "members"}} {
		if code, out, _ := runCLI(t, "", args...); code != exitOK || hasHan(out) || !strings.Contains(out, "Usage") {
			t.Errorf("%q: exit %d\n%s", args, code, out)
		}
	}

	// usage errors: the help or the message, in Chinese, exit 2
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "blctl 是黑名单账本节点"},
		{[]string{"members"}, "用法：blctl members SUBCOMMAND"},
		{[]string{"attestation"}, "用法：blctl attestation show"},
		{[]string{"members", "suspnd"}, "blctl members: 未知子命令 \"suspnd\"（您是否想输入 \"suspend\"？）\n运行 'blctl members --help' 查看用法。"},
		{[]string{"lookup", "3f5a0c9e12ab"}, "缺少必需参数 --purpose（用途：loan-approval、post-loan、guarantor-check 或 dispute-handling）"},
		{[]string{"submit", "--batch", "x", "f.ndjson"}, `--batch："x" 不是有效的值（每个请求的证明数，1 到 1000）`},
		{[]string{"--timeout", "x", "members", "list"}, `--timeout："x" 不是有效的值（每个 HTTP 请求的时限）`},
		{[]string{"help", "lokup"}, "未知命令 \"lokup\"（您是否想输入 \"lookup\"？）"},
	} {
		code, out, errOut := runCLI(t, "", c.args...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("LANG=zh_CN.UTF-8 %q: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", c.args, code, exitUsage, c.want, out, errOut)
		}
	}
	t.Setenv("LANG", "C")
	if code, _, errOut := runCLI(t, ""); code != exitUsage || !strings.HasPrefix(errOut, "blctl is the command-line client") {
		t.Errorf("blctl: exit %d\n%s", code, errOut)
	}
}
