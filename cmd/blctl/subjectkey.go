package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

const subjectKeyUsage = `Usage: blctl subject-key --id-type cn-ric|passport --id-number N [--secret-file F]

Prints the subject key of an identity number: the key the ledger knows a
person by. With --secret-file (the hex consortium secret, as in the node's
DATA/consortium.secret) the key is derived locally and the number never
leaves this machine; otherwise the node derives it (POST /v1/subject-keys,
roles querier or reporter). --id-number - reads the number from stdin,
which keeps it out of ps and shell history. An invalid number exits 1.

Examples:
  blctl subject-key --id-type cn-ric --id-number 11010519491231002X
  blctl subject-key --id-type passport --id-number "CHN E12345678" --secret-file /var/lib/bl/consortium.secret
  read -rs ID; printf '%s\n' "$ID" | blctl subject-key --id-type cn-ric --id-number -
`

func cmdSubjectKey(e *env, args []string) int {
	f := e.flags("subject-key", subjectKeyUsage)
	idType := f.String("id-type", "", "cn-ric or passport")
	number := f.String("id-number", "", "the identity number, or - to read it from stdin")
	secretFile := f.String("secret-file", "", "hex consortium secret file: derive locally")
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
