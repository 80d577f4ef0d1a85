package main

import (
	"encoding/json"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// TestMain runs the tests in English whatever the developer's locale;
// the Chinese tests ask for it.
func TestMain(m *testing.M) {
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	os.Setenv("LANG", "C")
	os.Exit(m.Run())
}

// TestEveryMessageInBothLanguages: every catalogue entry of blctl has
// both texts with the same verbs, and every table label and fixed note the
// code writes (e.header, e.row and e.t with a literal) is in the catalogue.
func TestEveryMessageInBothLanguages(t *testing.T) {
	for _, e := range l10n.Entries("cli.") {
		if strings.TrimSpace(e.EN) == "" || strings.TrimSpace(e.ZH) == "" {
			t.Errorf("%s: a language is missing: %+v", e.Key, e)
		}
		if l10n.Verbs(e.EN) != l10n.Verbs(e.ZH) {
			t.Errorf("%s: verbs differ: %s / %s", e.Key, l10n.Verbs(e.EN), l10n.Verbs(e.ZH))
		}
	}
	eachCall(t, func(fset *token.FileSet, call *ast.CallExpr, sel *ast.SelectorExpr, lit func(int) (string, bool)) {
		need := func(key string) {
			if !l10n.Has(key) {
				t.Errorf("%s: %s is not in the catalogue", fset.Position(call.Pos()), key)
			}
		}
		switch sel.Sel.Name {
		case "header":
			for i := 1; i < len(call.Args); i++ {
				if s, ok := lit(i); ok {
					need("cli.label." + s)
				}
			}
		case "row":
			if s, ok := lit(1); ok {
				need("cli.label." + s)
			}
			for i := 2; i < len(call.Args); i++ {
				if s, ok := lit(i); ok {
					need("cli.note." + s)
				}
			}
		case "t":
			if s, ok := lit(0); ok {
				need(s)
			}
		}
	})
}

// TestChinese: with LANG=zh_CN.UTF-8 (or --lang zh) blctl's tables,
// amounts, times and messages are Chinese, and so are the node's problem
// documents; --lang en overrides the locale.
func TestChinese(t *testing.T) {
	url, keys := realNode(t)
	subject := hexSum("zh subject")
	fileDefaultBy(t, url, keys["bank1-app"], subject, 1550000)
	t.Setenv("LANG", "zh_CN.UTF-8")

	code, out, errOut := blctl(t, url, keys["bank2-app"], "lookup", "--purpose", "loan-approval", subject)
	for _, want := range []string{"输入", "主体", "是否列入", "有效违约", "未结金额", "是", "¥15,500.00"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("zh lookup lacks %q: exit %d\n%s\n%s", want, code, out, errOut)
		}
	}
	code, out, _ = blctl(t, url, keys["auditor"], "audit", "--subject", subject)
	if code != exitOK || !strings.Contains(out, "序号") || !strings.Contains(out, "+08:00") || strings.Contains(out, "Z ") {
		t.Errorf("zh audit: times not in Beijing time, whole seconds: exit %d\n%s", code, out)
	}
	// The node answers in Chinese too, and blctl's own messages are Chinese.
	code, _, errOut = blctl(t, url, keys["bank2-app"], "lookup", "--purpose", "curiosity", subject)
	if code != exitRefused || !strings.Contains(errOut, "缺少查询用途或用途未知") || !strings.Contains(errOut, "详情：用途必须是以下之一") {
		t.Errorf("zh problem: exit %d\n%s", code, errOut)
	}
	code, _, errOut = blctl(t, url, keys["bank2-app"], "lookup", "--purpse", "x", subject)
	if code != exitUsage || !strings.Contains(errOut, "未知参数 --purpse（您是否想输入 --purpose？）") || !strings.Contains(errOut, "运行 'blctl lookup --help' 查看用法。") {
		t.Errorf("zh usage: exit %d\n%s", code, errOut)
	}
	// --lang en wins over the locale; English shows 15,500.00 CNY.
	code, out, _ = blctl(t, url, keys["bank2-app"], "--lang", "en", "lookup", "--purpose", "loan-approval", subject)
	if code != exitOK || !strings.Contains(out, "OUTSTANDING") || !strings.Contains(out, "15,500.00 CNY") {
		t.Errorf("--lang en: exit %d\n%s", code, out)
	}
	t.Setenv("LANG", "C")
	code, out, _ = blctl(t, url, keys["bank2-app"], "lookup", "--lang", "zh", "--purpose", "loan-approval", subject)
	if code != exitOK || !strings.Contains(out, "未结金额") {
		t.Errorf("--lang zh after the command: exit %d\n%s", code, out)
	}
	if code, _, errOut := blctl(t, url, keys["bank2-app"], "--lang", "fr", "members", "list"); code != exitUsage || !strings.Contains(errOut, "--lang must be en or zh") {
		t.Errorf("--lang fr: exit %d %s", code, errOut)
	}
}

// fileDefaultBy has a bank file a default of amount (minor units).
func fileDefaultBy(t *testing.T, url, key, subject string, amount int64) {
	t.Helper()
	now := time.Now().UTC()
	b, _ := json.Marshal(map[string]any{"type": "default", "subject": subject, "loanRef": hexSum("loan of " + subject),
		"product": "consumer", "amount": amount, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format("2006-01-02"),
		"daysPastDue": 120, "noticeDate": now.AddDate(0, 0, -100).Format("2006-01-02")})
	file := filepath.Join(t.TempDir(), "default.ndjson")
	if err := os.WriteFile(file, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := blctl(t, url, key, "submit", file); code != exitOK {
		t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
	}
}
