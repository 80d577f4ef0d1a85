package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

func cmdSubjectKey(e *env, args []string) int {
	f := e.flags("subject-key")
	idType := f.String("id-type", "", "")
	number := f.String("id-number", "", "")
	secretFile := f.String("secret-file", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("id-type", "id-number"); !ok {
		return code
	}
	n := *number
	if n == "-" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(line) == "" {
			return f.usageErr("no identity number on stdin (%v)", err)
		}
		n = line
	}
	var key string
	var err error
	if *secretFile != "" {
		key, err = deriveLocal(*secretFile, *idType, n)
	} else {
		key, err = deriveRemote(e, *idType, n)
	}
	if err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		if err := e.printJSON(map[string]string{"subjectKey": key}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintln(e.stdout, key)
	return exitOK
}

// deriveLocal reads the secret the way the node does (hex, surrounding
// whitespace ignored) so that both arrive at the same key.
func deriveLocal(secretFile, idType, number string) (string, error) {
	b, err := os.ReadFile(secretFile)
	if err != nil {
		return "", usagef("%v", err)
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return "", usagef("%s: not a hex consortium secret: %v", secretFile, err)
	}
	d, err := subjectkey.NewDeriver(secret)
	if err != nil {
		return "", usagef("%s: %v", secretFile, err)
	}
	key, err := d.Derive(idType, number)
	if err != nil {
		return "", refused(err)
	}
	return key, nil
}

func deriveRemote(e *env, idType, number string) (string, error) {
	var out struct {
		SubjectKey string `json:"subjectKey"`
	}
	req := map[string]string{"idType": idType, "idNumber": strings.TrimSpace(number)}
	if err := e.call("POST", "/v1/subject-keys", nil, req, &out); err != nil {
		return "", err
	}
	if !subjectkey.ValidKey(out.SubjectKey) {
		return "", &ServerError{Op: "POST /v1/subject-keys", Err: fmt.Errorf("answer has no valid subjectKey")}
	}
	return out.SubjectKey, nil
}
