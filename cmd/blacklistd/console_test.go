package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestConsoleServedBesideTheAPI: the real binary serves the web console at
// /console/ on the API's address, and the API still answers beside it.
func TestConsoleServedBesideTheAPI(t *testing.T) {
	_, data, _, d := startFresh(t, "--demo")
	defer d.cmd.Process.Kill()
	keys := credentials(t, data)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (*http.Response, string) {
		resp, err := c.Get(d.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, page := get("/console")
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/console/signin" || !strings.Contains(page, "征信黑名单控制台") {
		t.Fatalf("/console: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); csp == "" || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	resp, err := c.PostForm(d.url+"/console/signin", url.Values{"csrf": {tok[1]}, "key": {keys["bank1-app"]}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/console/check" {
		t.Fatalf("signed in: %d at %s\n%s", resp.StatusCode, resp.Request.URL, b)
	}
	if resp, _ := get("/healthz"); resp.StatusCode != 200 {
		t.Fatalf("/healthz beside the console: %d", resp.StatusCode)
	}
	if resp, _ := get("/v1/members"); resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("the API beside the console, without a key: %d", resp.StatusCode)
	}
}

// TestConsoleOff: --console=false serves the API only; /console/ is the
// API's not-found problem.
func TestConsoleOff(t *testing.T) {
	_, _, _, d := startFresh(t, "--demo", "--console=false")
	defer d.cmd.Process.Kill()
	resp, err := http.Get(d.url + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("/console/signin with the console off: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
