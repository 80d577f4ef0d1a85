package main

import (
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strings"
)

// Tables show ids and subject keys cut to 12 characters, so every command
// that takes one accepts a unique prefix of it back (at least minPrefix hex
// characters). blctl finds the whole id among what this client can see on
// its node: disputes, alerts and the watchlist (each source the caller's
// roles do not open is skipped). A prefix that matches nothing there is
// refused; one that matches several is refused listing them (exit 2), never
// guessed.

const minPrefix = 6

// idKind is what an id names, which decides where its prefix is looked up.
type idKind int

const (
	kindAttestation idKind = iota
	kindDispute
	kindSubject
)

// key is the kind's catalogue message.
func (k idKind) key() string {
	switch k {
	case kindAttestation:
		return "cli.kind.attestation"
	case kindDispute:
		return "cli.kind.dispute"
	}
	return "cli.kind.subject"
}

func (k idKind) String() string {
	switch k {
	case kindAttestation:
		return "attestation id"
	case kindDispute:
		return "dispute id"
	}
	return "subject key"
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// resolve returns the whole id for s: s itself when it is whole (64
// characters), shorter than minPrefix or not hex at all (the server then
// says what is wrong with it), otherwise the one id it is a prefix of.
func (e *env) resolve(kind idKind, s string) (string, error) {
	lower := strings.ToLower(s)
	if len(s) >= 64 || len(s) < minPrefix || !isHex(lower) {
		return s, nil // not a prefix: the server says what is wrong with it
	}
	found := map[string]bool{}
	add := func(ids ...string) {
		for _, id := range ids {
			if strings.HasPrefix(id, lower) {
				found[id] = true
			}
		}
	}
	if err := e.prefixSources(kind, lower, add); err != nil {
		return "", err
	}
	matches := make([]string, 0, len(found))
	for id := range found {
		matches = append(matches, id)
	}
	sort.Strings(matches)
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", usagef("%s", e.t("cli.prefix.none", e.t(kind.key()), s))
	}
	return "", usagef("%s", e.t("cli.prefix.ambiguous", e.t(kind.key()), s, strings.Join(matches, "\n  ")))
}

// prefixSources feeds add with the ids of kind this client can read.
func (e *env) prefixSources(kind idKind, prefix string, add func(...string)) error {
	var errs []error
	skip := func(err error) {
		var p *Problem
		if err != nil && !(errors.As(err, &p) && p.Status < 500) {
			errs = append(errs, err) // a 4xx (a role without this source) only means one source fewer
		}
	}
	var disputes struct {
		Disputes []struct {
			ID            string `json:"id"`
			AttestationID string `json:"attestationId"`
			Subject       string `json:"subject"`
		} `json:"disputes"`
	}
	skip(e.call("GET", "/v1/disputes", nil, nil, &disputes))
	for _, d := range disputes.Disputes {
		switch kind {
		case kindDispute:
			add(d.ID)
		case kindAttestation:
			add(d.AttestationID)
		case kindSubject:
			add(d.Subject)
		}
	}
	if kind == kindDispute {
		return errors.Join(errs...)
	}
	_, err := e.listPages("/v1/alerts", url.Values{}, "alerts", true, func(items []json.RawMessage) error {
		for _, raw := range items {
			var a alertView
			if json.Unmarshal(raw, &a) != nil {
				continue
			}
			if kind == kindSubject {
				add(a.SubjectKey)
			} else {
				add(a.AttestationID, a.RefersTo)
			}
		}
		return nil
	})
	skip(err)
	if kind == kindSubject {
		skip(e.watchlistPrefix(prefix, add))
	}
	return errors.Join(errs...)
}

// watchlistPrefix reads the watchlist from where keys with prefix would
// start, in key order, until they stop.
func (e *env) watchlistPrefix(prefix string, add func(...string)) error {
	q := url.Values{"limit": {"1000"}}
	if start, ok := justBefore(prefix); ok {
		q.Set("after", start)
	}
	for {
		var page struct {
			Entries []struct {
				SubjectKey string `json:"subjectKey"`
			} `json:"entries"`
			Next string `json:"next"`
		}
		if err := e.call("GET", "/v1/watchlist", q, nil, &page); err != nil {
			return err
		}
		for _, en := range page.Entries {
			if !strings.HasPrefix(en.SubjectKey, prefix) {
				return nil
			}
			add(en.SubjectKey)
		}
		if page.Next == "" || page.Next == q.Get("after") {
			return nil
		}
		q.Set("after", page.Next)
	}
}

// justBefore is the greatest 64-hex key below every key with prefix (the
// watchlist's "after" is exclusive): the prefix padded with zeros, minus
// one. ok is false when the prefix is all zeros (start at the beginning).
func justBefore(prefix string) (string, bool) {
	b := []byte(prefix + strings.Repeat("0", 64-len(prefix)))
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '0' {
			b[i] = 'f'
			continue
		}
		if b[i] == 'a' {
			b[i] = '9'
		} else {
			b[i]--
		}
		return string(b), true
	}
	return "", false
}

// resolveAll resolves each of ids, stopping at the first that fails.
func (e *env) resolveAll(kind idKind, ids []string) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		r, err := e.resolve(kind, id)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}
