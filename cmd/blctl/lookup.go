package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// lookupChunk is the API's limit of subjects per POST /v1/lookups. A
// variable so that tests can exercise chunking with a few keys.
var lookupChunk = 10000

const lookupUsage = `Usage: blctl lookup --purpose P [--fail-if-listed] (KEY... | --file FILE|-)

Looks up subjects' blacklist status (role querier). Every lookup is
recorded in the node's audit log under the stated purpose: loan-approval,
post-loan, guarantor-check or dispute-handling.

One KEY is read with GET /v1/subjects/{key}; several keys, or a --file,
with POST /v1/lookups, 10,000 per request. A file holds one subject key per
line, or one {"idType":"cn-ric","idNumber":"..."} object per line for the
node to turn into keys (all lines of one kind).

Output: a table in input order (subject key abbreviated to 12 characters;
outstanding amounts per currency in minor units), or with --output json the
server's answer: the status for one key, {"asOf","results"} for several
(asOf is then the lowest ledger height any chunk was read at).

With --fail-if-listed the exit code is 4 when any subject is listed, so a
script can branch without parsing output.

Examples:
  blctl lookup --purpose loan-approval 3f5a0c...e9
  blctl lookup --purpose post-loan --file portfolio-keys.txt
  blctl lookup --purpose loan-approval --fail-if-listed --file applicants.ndjson && approve
  blctl --output json lookup --purpose post-loan KEY1 KEY2 | jq '.results[] | select(.listed)'
`

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

func cmdLookup(e *env, args []string) int {
	f := e.flags("lookup", lookupUsage)
	purpose := f.String("purpose", "", "why: loan-approval, post-loan, guarantor-check or dispute-handling")
	file := f.String("file", "", "file of subject keys or id-number objects, one per line (- for stdin)")
	failIfListed := f.Bool("fail-if-listed", false, "exit 4 if any subject is listed")
	keys, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.required("purpose"); !ok {
		return code
	}
	if (len(keys) == 0) == (*file == "") {
		return f.usageErr("give subject keys as arguments or --file, not both or neither")
	}
	var req lookupRequest
	req.Purpose = *purpose
	if *file != "" {
		var err error
		if req.Subjects, req.IDs, err = readLookupFile(e, *file); err != nil {
			return e.fail(err)
		}
	} else {
		req.Subjects = keys
	}

	var results []json.RawMessage
	var raw json.RawMessage
	var err error
	if len(keys) == 1 {
		results, raw, err = lookupOne(e, *purpose, keys[0])
	} else {
		results, raw, err = lookupMany(e, req)
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
		err = printStatuses(e, statuses)
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

func printStatuses(e *env, statuses []contract.Status) error {
	w := e.table()
	row(w, "SUBJECT", "LISTED", "ACTIVE DEFAULTS", "REPORTERS", "OUTSTANDING")
	for _, s := range statuses {
		reporters := "-"
		if len(s.Reporters) > 0 {
			reporters = strings.Join(s.Reporters, ",")
		}
		row(w, short(s.SubjectKey), yesNo(s.Listed), strconv.Itoa(s.ActiveDefaults), reporters, amounts(s.Outstanding))
	}
	return w.Flush()
}

// readLookupFile reads keys, or id-number objects, one per line.
func readLookupFile(e *env, name string) ([]string, []idNumber, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, usagef("%v", err)
		}
		defer f.Close()
		r = f
	}
	var keys []string
	var ids []idNumber
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			keys = append(keys, string(line))
		} else {
			var id idNumber
			dec := json.NewDecoder(bytes.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&id); err != nil {
				return nil, nil, usagef("%s, line %d: want {\"idType\",\"idNumber\"}: %v", name, n, err)
			}
			ids = append(ids, id)
		}
		if len(keys) > 0 && len(ids) > 0 {
			return nil, nil, usagef("%s, line %d: a file holds either subject keys or id-number objects, not both", name, n)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, usagef("reading %s: %v", name, err)
	}
	if len(keys) == 0 && len(ids) == 0 {
		return nil, nil, usagef("%s has no subjects", name)
	}
	return keys, ids, nil
}
