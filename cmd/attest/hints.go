package main

import (
	"errors"
	"strings"

	"github.com/attest-dev/attest"
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

// withHint returns ae with the command line's hint added where it has none
// and one applies; ae itself is not changed.
func withHint(ae *attest.Error) *attest.Error {
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
