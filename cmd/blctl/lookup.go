package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// lookupChunk is the API's limit of subjects per POST /v1/lookups. A
// variable so that tests can exercise chunking with a few keys.
var lookupChunk = 10000

// lookupRequest is the body of POST /v1/lookups: exactly one of the lists.
type lookupRequest struct {
	Purpose  string     `json:"purpose"`
	Subjects []string   `json:"subjects,omitempty"`
	IDs      []idNumber `json:"ids,omitempty"`
}

type idNumber struct {
	IDType   string `json:"idType"`
	IDNumber string `json:"idNumber"`
}

// lookupAnswer keeps each result verbatim for json output and decoded for
// the table and --fail-if-listed.
type lookupAnswer struct {
	AsOf    uint64            `json:"asOf"`
	Results []json.RawMessage `json:"results"`
}

// query is one subject as the caller gave it: a subject key (or a unique
// prefix of one), or an identity number for the node to turn into a key.
// label is what the table shows in its INPUT column so that the caller can
// tell which answer is whose: the caller's own label when the file gives
// one, else the key as given, or the identity number masked.
type query struct {
	label string
	key   string
	id    *idNumber
}

func cmdLookup(e *env, args []string) int {
	f := e.flags("lookup")
	purpose := f.String("purpose", "", "")
	file := f.String("file", "", "")
	idType := f.String("id-type", "", "")
	idNum := f.String("id-number", "", "")
	failIfListed := f.Bool("fail-if-listed", false, "")
	args2, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.required("purpose"); !ok {
		return code
	}
	if *idType != "" && !slices.Contains(idTypes, *idType) {
		return f.usageErr("%s", e.t("cli.lookup.idtype", strings.Join(idTypes, ", "), *idType))
	}
	given := 0
	for _, b := range []bool{len(args2) > 0, *file != "", *idNum != ""} {
		if b {
			given++
		}
	}
	if given != 1 {
		return f.usageErr("%s", e.t("cli.lookup.oneof"))
	}
	var qs []query
	var err error
	switch {
	case *idNum != "":
		t := *idType
		if t == "" {
			return f.usageErr("%s", e.t("cli.lookup.needstype", strings.Join(idTypes, " or ")))
		}
		qs = []query{{label: maskID(*idNum), id: &idNumber{IDType: t, IDNumber: *idNum}}}
	case *file != "":
		qs, err = readLookupFile(e, *file, *idType)
	default:
		qs = make([]query, len(args2))
		for i, a := range args2 {
			if qs[i], err = classify(a, *idType); err != nil {
				err = usagef("%s", e.t("cli.lookup.argument", i+1, e.t(err.Error())))
				break
			}
		}
	}
	if err == nil {
		err = e.resolveQueries(qs)
	}
	if err != nil {
		return e.fail(err)
	}

	var results []json.RawMessage
	var raw json.RawMessage
	if len(qs) == 1 && qs[0].id == nil && *file == "" {
		results, raw, err = lookupOne(e, *purpose, qs[0].key)
	} else {
		results, raw, err = lookupQueries(e, *purpose, qs)
	}
	if err != nil {
		return e.fail(err)
	}
	statuses, err := decodeStatuses(results)
	if err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		err = e.printRaw(raw)
	} else {
		err = printStatuses(e, qs, statuses)
	}
	if err != nil {
		return e.fail(err)
	}
	if *failIfListed {
		for _, s := range statuses {
			if s.Listed {
				return exitListed
			}
		}
	}
	return exitOK
}

var idTypes = subjectkey.Types()

// errNeither: a lookup input that is neither a key nor an identity number.
var errNeither = errors.New("cli.lookup.neither")

// ricShape matches what can only be a PRC resident identity number: 18
// characters (17 digits and a digit or X) or the first-generation 15
// digits. Nothing shorter than 64 characters is a subject key, and table
// prefixes are 12, so the two cannot be confused.
var ricShape = regexp.MustCompile(`^([0-9]{17}[0-9Xx]|[0-9]{15})$`)

// classify tells a subject key (or prefix) from an identity number. With
// idType given, anything that is not a key is a number of that type.
func classify(s, idType string) (query, error) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) == 64 && isHex(strings.ToLower(s)):
		return query{label: s, key: strings.ToLower(s)}, nil
	case ricShape.MatchString(s) && (idType == "" || idType == "cn-ric"):
		return query{label: maskID(s), id: &idNumber{IDType: "cn-ric", IDNumber: s}}, nil
	case idType != "":
		return query{label: maskID(s), id: &idNumber{IDType: idType, IDNumber: s}}, nil
	case isHex(strings.ToLower(s)):
		return query{label: s, key: strings.ToLower(s)}, nil // a prefix, resolved below
	}
	return query{}, errNeither
}

// maskID shows enough of an identity number for its owner to recognise it
// in a table, and no more: the first 6 and last 4 characters.
func maskID(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// resolveQueries turns key prefixes into whole keys.
func (e *env) resolveQueries(qs []query) error {
	for i := range qs {
		if qs[i].id != nil || len(qs[i].key) == 64 {
			continue
		}
		k, err := e.resolve(kindSubject, qs[i].key)
		if err != nil {
			return err
		}
		qs[i].key = k
	}
	return nil
}

// lookupQueries asks for keys and identity numbers (the API takes one kind
// per request) and puts the answers back in input order.
func lookupQueries(e *env, purpose string, qs []query) ([]json.RawMessage, json.RawMessage, error) {
	var keys []string
	var ids []idNumber
	for _, q := range qs {
		if q.id != nil {
			ids = append(ids, *q.id)
		} else {
			keys = append(keys, q.key)
		}
	}
	all := lookupAnswer{Results: make([]json.RawMessage, 0, len(qs))}
	var byKey, byID []json.RawMessage
	var asOf []uint64
	if len(keys) > 0 {
		res, raw, err := lookupMany(e, lookupRequest{Purpose: purpose, Subjects: keys})
		if err != nil {
			return nil, nil, err
		}
		byKey = res
		asOf = append(asOf, asOfOf(raw))
	}
	if len(ids) > 0 {
		res, raw, err := lookupMany(e, lookupRequest{Purpose: purpose, IDs: ids})
		if err != nil {
			return nil, nil, err
		}
		byID = res
		asOf = append(asOf, asOfOf(raw))
	}
	for _, q := range qs {
		if q.id != nil {
			all.Results, byID = append(all.Results, byID[0]), byID[1:]
		} else {
			all.Results, byKey = append(all.Results, byKey[0]), byKey[1:]
		}
	}
	all.AsOf = slices.Min(asOf)
	raw, err := json.Marshal(all)
	return all.Results, raw, err
}

func asOfOf(raw json.RawMessage) uint64 {
	var a lookupAnswer
	_ = json.Unmarshal(raw, &a)
	return a.AsOf
}

func lookupOne(e *env, purpose, key string) ([]json.RawMessage, json.RawMessage, error) {
	var raw json.RawMessage
	err := e.call("GET", apiPath("/v1/subjects/%s", key), url.Values{"purpose": {purpose}}, nil, &raw)
	if err != nil {
		return nil, nil, err
	}
	return []json.RawMessage{raw}, raw, nil
}

// lookupMany sends the subjects in chunks the API accepts and joins the
// answers, keeping request order.
func lookupMany(e *env, req lookupRequest) ([]json.RawMessage, json.RawMessage, error) {
	n := max(len(req.Subjects), len(req.IDs))
	all := lookupAnswer{Results: make([]json.RawMessage, 0, n)}
	for start := 0; start < n; start += lookupChunk {
		end := min(start+lookupChunk, n)
		chunk := lookupRequest{Purpose: req.Purpose}
		if req.Subjects != nil {
			chunk.Subjects = req.Subjects[start:end]
		} else {
			chunk.IDs = req.IDs[start:end]
		}
		var ans lookupAnswer
		if err := e.call("POST", "/v1/lookups", nil, chunk, &ans); err != nil {
			return nil, nil, err
		}
		if len(ans.Results) != end-start {
			return nil, nil, &ServerError{Op: "POST /v1/lookups", Err: fmt.Errorf("answer has %d results for %d subjects", len(ans.Results), end-start)}
		}
		if start == 0 || ans.AsOf < all.AsOf {
			all.AsOf = ans.AsOf
		}
		all.Results = append(all.Results, ans.Results...)
	}
	raw, err := json.Marshal(all)
	return all.Results, raw, err
}

func decodeStatuses(results []json.RawMessage) ([]contract.Status, error) {
	out := make([]contract.Status, len(results))
	for i, r := range results {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			return nil, &ServerError{Op: "lookup", Err: fmt.Errorf("result %d does not parse: %v", i, err)}
		}
	}
	return out, nil
}

func printStatuses(e *env, qs []query, statuses []contract.Status) error {
	w := e.table()
	e.header(w, "INPUT", "SUBJECT", "LISTED", "ACTIVE DEFAULTS", "REPORTERS", "OUTSTANDING")
	for i, s := range statuses {
		reporters := "-"
		if len(s.Reporters) > 0 {
			reporters = strings.Join(s.Reporters, ",")
		}
		label := "-"
		if i < len(qs) {
			label = qs[i].label
			if qs[i].id == nil && label == s.SubjectKey {
				label = e.short(label)
			}
		}
		row(w, label, e.short(s.SubjectKey), e.yesNo(s.Listed), strconv.Itoa(s.ActiveDefaults), reporters, e.amounts(s.Outstanding))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return printProtected(e, statuses)
}

// readLookupFile reads one subject a line: a subject key (or a unique
// prefix), a plain identity number (cn-ric recognised by its shape, other
// types with --id-type), or an object {"idType","idNumber"} or
// {"subjectKey"}, each optionally with a "label". A plain line may carry
// its label after a comma or tab: "11010519491231002X,cust-42".
func readLookupFile(e *env, name, idType string) ([]query, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("%v", err)
		}
		defer f.Close()
		r = f
	}
	var qs []query
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(line) == 0 {
			continue
		}
		var q query
		if line[0] == '{' {
			var obj struct {
				IDType     string `json:"idType"`
				IDNumber   string `json:"idNumber"`
				SubjectKey string `json:"subjectKey"`
				Label      string `json:"label"`
			}
			if err := strictjson.Decode(line, &obj); err != nil {
				return nil, usagef("%s, line %d: want {\"idType\",\"idNumber\"} or {\"subjectKey\"}, with an optional \"label\": %v", name, n, err)
			}
			switch {
			case obj.SubjectKey != "" && obj.IDNumber == "":
				q = query{label: obj.SubjectKey, key: strings.ToLower(obj.SubjectKey)}
			case obj.IDNumber != "" && obj.SubjectKey == "" && obj.IDType != "":
				q = query{label: maskID(obj.IDNumber), id: &idNumber{IDType: obj.IDType, IDNumber: obj.IDNumber}}
			default:
				return nil, usagef("%s, line %d: give either subjectKey, or idType and idNumber", name, n)
			}
			if obj.Label != "" {
				q.label = obj.Label
			}
		} else {
			text, label, hasLabel := strings.Cut(string(line), ",")
			if !hasLabel {
				text, label, hasLabel = strings.Cut(string(line), "\t")
			}
			var err error
			if q, err = classify(text, idType); err != nil {
				return nil, usagef("%s", e.t("cli.lookup.line", name, n, e.t(err.Error())))
			}
			if label = strings.TrimSpace(label); hasLabel && label != "" {
				q.label = label
			}
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, usagef("reading %s: %v", name, err)
	}
	if len(qs) == 0 {
		return nil, usagef("%s has no subjects", name)
	}
	return qs, nil
}
