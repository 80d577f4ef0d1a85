package main

import (
	"errors"
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
)

func cmdEvidence(e *env, args []string) int {
	return e.group("evidence", args, evidenceCommands())
}

// evidenceCommands are the evidence subcommands: verify works offline;
// those that fetch bundles from a node are added after it.
func evidenceCommands() []command {
	return []command{
		{"verify", evidenceVerify},
		{"get", evidenceGet},
		{"export", evidenceExport},
	}
}

// verifyOutput is evidence verify's --output json answer.
type verifyOutput struct {
	Verified bool   `json:"verified"`
	Failure  string `json:"failure,omitempty"`
	Checks   []struct {
		evidence.Check
		Text string `json:"text"`
	} `json:"checks"`
}

// evidenceVerify checks a bundle against a trust root with no network: it
// never builds the API client.
func evidenceVerify(e *env, args []string) int {
	f := e.flags("evidence verify")
	rootFile := f.String("trust-root", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("%s", e.t("cli.evidence.onefile"))
	}
	if code, ok := f.required("trust-root"); !ok {
		return code
	}
	rawBundle, err := e.readInput(pos[0])
	if err != nil {
		return e.fail(err)
	}
	rawRoot, err := e.readInput(*rootFile)
	if err != nil {
		return e.fail(err)
	}
	bundle, err := evidence.DecodeBundle(rawBundle)
	if err != nil {
		fmt.Fprintf(e.stderr, "blctl evidence verify: %s\n", e.t("cli.evidence.unreadable", pos[0], err))
		return exitRefused
	}
	root, err := evidence.DecodeTrustRoot(rawRoot)
	if err != nil {
		fmt.Fprintf(e.stderr, "blctl evidence verify: %s\n", e.t("cli.evidence.unreadable", *rootFile, err))
		return exitRefused
	}
	lang := evidence.English
	if e.zh() {
		lang = evidence.Chinese
	}
	tr, verr := evidence.Verify(bundle, root)
	failure := ""
	if verr != nil {
		failure = verr.Error()
		var fl *evidence.Failure
		if errors.As(verr, &fl) {
			failure = fl.In(lang)
		}
	}
	if e.jsonOut() {
		out := verifyOutput{Verified: verr == nil, Failure: failure}
		for _, c := range tr.Checks {
			out.Checks = append(out.Checks, struct {
				evidence.Check
				Text string `json:"text"`
			}{c, c.What.In(lang) + ": " + c.Result.In(lang)})
		}
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
	} else {
		fmt.Fprint(e.stdout, tr.Render(lang))
	}
	if verr != nil {
		fmt.Fprintf(e.stderr, "blctl evidence verify: %s\n", e.t("cli.evidence.failed", pos[0], failure))
		return exitRefused
	}
	return exitOK
}
