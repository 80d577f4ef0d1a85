package gateway

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/internal/l10n"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestCatalogueComplete: every message has both languages, taking the same
// arguments, and every problem type a title and an explanation in both.
func TestCatalogueComplete(t *testing.T) {
	keys := map[string]bool{}
	for _, e := range l10n.Entries("") {
		keys[e.Key] = true
		if strings.TrimSpace(e.EN) == "" || strings.TrimSpace(e.ZH) == "" {
			t.Errorf("%s: a language is missing: %+v", e.Key, e)
		}
		if l10n.Verbs(e.EN) != l10n.Verbs(e.ZH) {
			t.Errorf("%s: verbs differ: %s / %s", e.Key, l10n.Verbs(e.EN), l10n.Verbs(e.ZH))
		}
	}
	for code := range statuses {
		for _, k := range []string{"problem.title." + code, "problem.about." + code} {
			if !keys[k] {
				t.Errorf("no message %s", k)
			}
		}
	}
	for _, e := range l10n.Entries("problem.") {
		if !hasHan(e.ZH) && e.Key != "problem.original" {
			t.Errorf("%s: Chinese text without Chinese: %q", e.Key, e.ZH)
		}
	}
}

// TestProblemDocumentsInChinese: a problem of every type, asked for in
// zh-CN, has a Chinese title and detail and says so in Content-Language;
// the type and status do not change; without the header it is English.
func TestProblemDocumentsInChinese(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for code, status := range statuses {
		for _, lang := range []string{"zh-CN", "zh-CN,zh;q=0.9,en;q=0.8", ""} {
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest("GET", "/v1/x", nil)
			if lang != "" {
				c.Request.Header.Set("Accept-Language", lang)
			}
			fail(c, code, "the ledger says no")
			var p problem.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Type != problem.TypePrefix+code || p.Status != status || w.Code != status {
				t.Errorf("%s %q: %+v", code, lang, p)
			}
			if lang == "" {
				if p.Title != titles[code] || p.Detail != "the ledger says no" || w.Header().Get("Content-Language") != "en" {
					t.Errorf("%s in English: %+v %v", code, p, w.Header())
				}
				continue
			}
			if !hasHan(p.Title) || !hasHan(p.Detail) || !strings.Contains(p.Detail, "原文：the ledger says no") || w.Header().Get("Content-Language") != "zh-CN" {
				t.Errorf("%s in %q: title %q detail %q headers %v", code, lang, p.Title, p.Detail, w.Header())
			}
		}
	}
}

// TestChineseDetailsOverHTTP: the details people meet most are translated
// whole, not just explained.
func TestChineseDetailsOverHTTP(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	zh := func(method, path, client, body string) problem.Problem {
		t.Helper()
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		req.Header.Set("Accept-Language", "zh-CN")
		if client != "" {
			req.Header.Set("Authorization", "Bearer "+e.keys[client])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var p problem.Problem
		json.NewDecoder(resp.Body).Decode(&p)
		return p
	}
	for _, c := range []struct {
		method, path, client, body string
		title, detail              string
	}{
		{"GET", "/v1/policy", "", "", "缺少 API 密钥或密钥未知", "请发送 Authorization: Bearer <API 密钥> 请求头"},
		{"POST", "/v1/subject-keys", "bank1-app", `{"idType":"cn-ric","idNumber":"110105194912310021"}`, "参数无效",
			"cn-ric：校验码不符（第 18 位应为 ISO 7064 MOD 11-2 校验码）"},
		{"POST", "/v1/subject-keys", "bank1-app", `{"idType":"cn-ric","idNumber":"1101051949"}`, "参数无效",
			"cn-ric：应为 18 位（或第一代身份证的 15 位数字），实际为 10 位"},
		{"POST", "/v1/attestations", "bank1-app", `{"attestation":{"type":"default","amount":12500.00}}`, "请求格式错误",
			`请求体：字段 "attestation.amount"：应为整数，实际为12500.00（金额以币种最小单位的整数表示：人民币 12,500.00 元应写为 1250000）`},
		{"POST", "/v1/attestations", "bank1-app", `{"type":"default"}`, "请求格式错误",
			`请求体：未知字段 "type"；可用字段：attestation, jws；证明内容应放在 {"attestation": {...}} 中，已签名的放在 {"jws": "..."} 中`},
		{"GET", "/v1/subjects/" + sha("s") + "?purpose=curiosity", "bank2-app", "", "缺少查询用途或用途未知",
			"用途必须是以下之一：loan-approval post-loan guarantor-check dispute-handling litigation"},
		{"DELETE", "/v1/watchlist/" + sha("s"), "bank2-app", "", "未找到", "该主体不在您的监控名单中"},
		{"GET", "/v1/nowhere", "bank2-app", "", "未找到", "没有此接口：GET /v1/nowhere"},
	} {
		if p := zh(c.method, c.path, c.client, c.body); p.Title != c.title || p.Detail != c.detail {
			t.Errorf("%s %s:\n got %q / %q\nwant %q / %q", c.method, c.path, p.Title, p.Detail, c.title, c.detail)
		}
	}
}

// TestTimesInWholeSeconds: the ledger's record times come out as RFC 3339
// with whole seconds and the offset; the signed payload is untouched.
func TestTimesInWholeSeconds(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	subj := sha("times")
	var d struct{ ID string }
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(subj, "L-T")}, &d); st != 201 {
		t.Fatalf("submit: %d", st)
	}
	var disp map[string]any
	if st, _ := e.call("POST", "/v1/disputes", "bank2-app", map[string]any{"attestationId": d.ID, "reasonCode": "not-mine", "statementDigest": sha("st")}, &disp); st != 201 {
		t.Fatalf("dispute: %d %v", st, disp)
	}
	var view map[string]any
	e.call("GET", "/v1/attestations/"+d.ID+"?purpose=dispute-handling", "bank2-app", nil, &view)
	whole := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`)
	for name, v := range map[string]any{"openedAt": disp["openedAt"], "dueBy": disp["dueBy"], "recordedAt": view["recordedAt"]} {
		if s, _ := v.(string); !whole.MatchString(s) {
			t.Errorf("%s = %v, want RFC 3339 in whole seconds", name, v)
		}
	}
	payload, _ := view["payload"].(map[string]any)
	if s, _ := payload["issuedAt"].(string); s == "" {
		t.Errorf("payload.issuedAt missing: %v", view)
	}
}
