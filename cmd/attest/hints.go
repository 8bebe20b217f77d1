package main

import (
	"errors"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/datadir"
	"github.com/attest-dev/attest/readiness"
)

// The store and the workflows name what is wrong in words every adapter
// can show; the command line adds the hints that name its own commands and
// flags. withHint is applied once, in Run, to the error a command returns.

// notFoundHints say which command lists what a "no such ..." error names.
var notFoundHints = []struct{ prefix, hint string }{
	{"no such engagement: ", "see `attest engagement list`"},
	{"no such control: ", "see `attest controls list`"},
	{"no such evidence: ", "see `attest evidence list`"},
	{"no such population: ", "see `attest population list`"},
	{"no such test: ", "see `attest test list`"},
	{"no such request: ", "see `attest request list`"},
	{"no such policy: ", "see the policies with `attest policy list`"},
	{"no such job: ", "see `attest job list`"},
}

// commandHints name the commands and flags that answer an error, by its
// code and a part of its message; the command line's hint replaces the
// workflow's own, which says the same in words every adapter can show.
var commandHints = []struct{ code, about, hint string }{
	{attest.EFORBIDDEN, auth.ErrTokenForOther, "attest user add --service --email ci@example.com --role compliance-manager, then a token for that account"},
	{attest.EFORBIDDEN, "not named as an auditor on any engagement", "an administrator names you with attest engagement auditor add NAME --user YOUR-ADDRESS"},
	{attest.EFORBIDDEN, "is not a named auditor of", "an administrator names auditors with attest engagement auditor add NAME --user THEIR-ADDRESS"},
	{attest.EFORBIDDEN, "sign it with your enrolled key", "give --auditor-key FILE (or ATTEST_AUDITOR_KEY)"},
	{attest.EFORBIDDEN, "has not confirmed it", "attest engagement auditor confirm --auditor-key FILE"},
	{attest.EFORBIDDEN, "(enroll the key first)", "attest engagement auditor enroll --public-key FILE.pub NAME"},
	{attest.EINVALID, "limit for one piece of evidence", "raise the limit with --max-size, or split the file"},
	{attest.EINVALID, "say how the control was tested", "--procedure inquiry, observation, inspection or reperformance"},
	{attest.EINVALID, "record a result for each item tested", "--item KEY=no-exception, KEY=deviation:WHAT or KEY=not-applicable:WHY"},
	{attest.EINVALID, "no deviations were recorded", "leave out --deviations"},
	{attest.EINVALID, "deviations were found: say whether", "--deviations isolated|systematic"},
	{attest.EINVALID, "\"not applicable\" needs a reason", "--reason TEXT"},
	{attest.EINVALID, "needs a stated reason explaining", "--reason TEXT"},
	{attest.EINVALID, "say which column identifies an item", "--key COLUMN"},
	{attest.EINVALID, "issued report ", "keep the report again with the right record: attest report issued add --file ... --kind ... --type ... --period START..END --firm ..."},
	{attest.EINVALID, "a bridge letter covers the time after the last report", "keep that report first: attest report issued add --file REPORT.pdf --kind KIND --type \"Type 2\" --period START..END --firm \"CPA firm\""},
	{attest.EINVALID, "a bridge letter covers the days after it", "give a later --through date (default: today)"},
	{attest.EINVALID, "a bridge letter speaks only for days that have passed", "leave --through out to cover up to today"},
	{attest.EINVALID, "management cannot confirm there is nothing", "draft without --confirm-none and confirm, edit or explain each matter the draft lists"},
	{attest.EINVALID, "name the deviations disclosed", "see them with `attest deviations list`"},
	{attest.EINVALID, "say who at the service auditor was told", "--to NAME"},
	{attest.EINVALID, "make the proof again against this checkpoint", "attest ledger prove with this checkpoint"},
	{attest.EINVALID, "is not a named auditor of", "attest engagement auditor add NAME --user ADDRESS"},
	{attest.EINVALID, "has no account yet: an administrator links", "attest engagement auditor link NAME --user ADDRESS"},
	{attest.EINVALID, "has no population yet", "attest population import --control CONTROL --file FILE"},
	{attest.EINVALID, "(import it with its date column)", "import it with --date COLUMN"},
	{attest.EINVALID, "(draw a sample, then name the draw)", "attest sample draw, then --draw ID"},
	{attest.EINVALID, "record this test as interim", "--covers FROM..TO, then roll forward"},
	{attest.EINVALID, "(reconcile it) first", "attest population reconcile"},
	{attest.EINVALID, "(extend that draw)", "attest sample extend"},
	{attest.ENOTFOUND, "no known deviation", "see the identifiers with `attest deviations list`"},
	// The compliance program's and the checks' refusals, with the
	// commands and flags that answer them.
	{attest.EINVALID, "no one on the roster has the address", "import the roster first (attest people import), or correct the addresses"},
	{attest.ENOTFOUND, "no policy template", "see the templates with `attest policy list --templates`"},
	{attest.EINVALID, "{{org}} has no value", "name the organization: --var org=\"Example Corp\""},
	{attest.EINVALID, " has no owner: every policy has one", "attest policy edit ID --owner EMAIL"},
	{attest.EINVALID, " names no approver", "attest policy edit ID --approver EMAIL"},
	{attest.EINVALID, "name the approver whose approval this is", "--approver EMAIL: one of the approvers the policy names"},
	{attest.EFORBIDDEN, "only the approvers the policy names may approve it", "see who they are with `attest policy show ID`"},
	{attest.ENOTFOUND, " has not been published", "approve and publish it, or name a version (--version N)"},
	{attest.EINVALID, "name the person whose acknowledgement this is", "--person EMAIL"},
	{attest.EINVALID, "say how the acknowledgement was given", "--note \"signed form, 2026-03-02\""},
	{attest.EINVALID, "no engagement has the controls", "name the controls the records support (--control ID)"},
	{attest.EINVALID, "nothing has been collected yet", "run attest collect (or attest check run --input DIR)"},
	{attest.EINVALID, "supports no control in an engagement", "create an engagement whose controls these records support (attest engagement create), or run checks directly with attest check run --input"},
	{attest.EINVALID, "name the reviewer whose decisions these are", "--reviewer EMAIL"},
}

// withHint returns ae with the command line's hint added where one
// applies; ae itself is not changed.
func withHint(ae *attest.Error) *attest.Error {
	if ae.Hint == attest.HintForce {
		// A date far from the period, or performed far from what it
		// covers: --force says it is right.
		out := *ae
		out.Hint = "check the date; add --force if it is right"
		return &out
	}
	for _, h := range commandHints {
		if ae.Code == h.code && strings.Contains(ae.Message, h.about) {
			out := *ae
			out.Hint = h.hint
			return &out
		}
	}
	if ae.Hint != "" || ae.Code != attest.ENOTFOUND {
		return ae
	}
	for _, h := range notFoundHints {
		if strings.HasPrefix(ae.Message, h.prefix) {
			out := *ae
			out.Hint = h.hint
			return &out
		}
	}
	return ae
}

// hinted returns err as an *attest.Error with hint as its hint when err is
// one of code whose message contains about; any other err is returned as
// it is.
func hinted(err error, code, about, hint string) error {
	var ae *attest.Error
	if !errors.As(err, &ae) || ae.Code != code || !strings.Contains(ae.Message, about) {
		return err
	}
	out := *ae
	out.Hint = hint
	return &out
}

// gapCommands adds to each readiness gap's hint the command that acts on
// it; the readiness package says what to do in words every adapter shows.
func gapCommands(r *readiness.Report) {
	add := func(gs []readiness.Gap) {
		for i := range gs {
			if c := gapCommand(gs[i]); c != "" && !strings.HasSuffix(gs[i].Hint, "("+c+")") {
				gs[i].Hint += " (" + c + ")"
			}
		}
	}
	add(r.Gaps)
	for _, v := range []*readiness.View{&r.Type1, &r.Type2} {
		for i := range v.Criteria {
			add(v.Criteria[i].Gaps)
		}
	}
}

func gapCommand(g readiness.Gap) string {
	switch g.Kind {
	case readiness.NotImplemented:
		return "attest controls set " + g.Ref + " --status implemented"
	case readiness.NoOwner:
		return "attest controls set " + g.Ref + " --owner NAME"
	case readiness.NeverPerformed:
		return "attest evidence add --control " + g.Ref
	case readiness.FailingCheck:
		return "attest check run --check " + g.Check + " --no-record, which records nothing"
	case readiness.DescriptionGap:
		return "attest description set"
	case readiness.Missed:
		return "attest deviations list, attest deviations disclose"
	case readiness.Deviation, readiness.Late:
		return "attest deviations disclose"
	}
	return ""
}

// flagged names the flag an error is about: a workflow's message that
// starts with the value's name in words ("grace -1h: ...") starts with the
// command line's flag instead ("--grace -1h: ...").
func flagged(err error, name, flag string) error {
	var ae *attest.Error
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.Message, name+" ") {
		return err
	}
	out := *ae
	out.Message = flag + strings.TrimPrefix(ae.Message, name)
	return &out
}

// dataHints words package datadir's errors about the installation at p
// for the command line: the flag that named its database server, the
// flag that names the key file, and the commands that make what is
// missing.
func (m *Main) dataHints(err error, p place) error {
	flag := p.dbFlag
	if flag == "" {
		flag = "--db"
	}
	err = dbNamed(err, flag)
	if p.db != "" {
		err = hinted(err, attest.ENOTFOUND, "no data directory at ", "run `attest init --db URL --data "+p.dir+"`: with --db the data directory holds the ledger key and the blobs")
		err = hinted(err, attest.EINVALID, "is not an Attest data directory (no ", "run `attest init --db URL --data DIR` to make one")
	} else {
		err = hinted(err, attest.ENOTFOUND, "no data directory at ", "run `attest init --data "+p.dir+"` or `attest demo`, or pass --data DIR")
		err = hinted(err, attest.EINVALID, "is not an Attest data directory (no ", "run `attest init --data DIR` to make one")
	}
	err = hinted(err, attest.ENOTFOUND, "no Attest database", "run `attest init` first, or pass --data DIR")
	err = hinted(err, attest.EINVALID, "is not an Attest database", "point --data at a directory made by `attest init`")
	err = hinted(err, attest.EINVALID, "is not empty and is not an Attest data directory", "choose another --data directory")
	return keyNamed(err)
}

// dbNamed names flag, the one that gave the database server's URL, in
// the server's errors (datadir.DBError).
func dbNamed(err error, flag string) error {
	var de *datadir.DBError
	var ae *attest.Error
	if !errors.As(err, &de) || !errors.As(de.Err, &ae) {
		return err
	}
	out := *ae
	switch ae.Code {
	case attest.EUNAVAILABLE:
		out.Hint = "check " + flag + " and that the server is running"
		if flag == "--db" {
			out.Hint = "check --db / ATTEST_DB and that the server is running"
		}
	case attest.EINVALID:
		out.Message = flag + ": " + ae.Message
	}
	return &out
}

// keyNamed names --ledger-key in datadir's errors about the key file
// outside the data directory ("ledger key ..."), and the flag or the
// command that gives one in their hints.
func keyNamed(err error) error {
	var ae *attest.Error
	if !errors.As(err, &ae) {
		return err
	}
	out := *ae
	switch {
	case strings.HasPrefix(ae.Message, "ledger key: ") && ae.Hint != "":
		// The file cannot be found: the only one of them with a hint.
		out.Hint = "`attest init --ledger-key FILE` makes a new key there for a new data directory"
	case strings.Contains(ae.Message, "lives outside it ("):
		out.Hint = "pass --ledger-key FILE or set ATTEST_LEDGER_KEY"
	}
	if strings.HasPrefix(ae.Message, "ledger key") {
		out.Message = "--ledger-key" + strings.TrimPrefix(ae.Message, "ledger key")
	}
	if out == *ae {
		return err
	}
	return &out
}
