package main

import (
	"testing"

	"github.com/attest-dev/attest"
)

// The store's errors name no command; the command line adds its hints.
func TestHints(t *testing.T) {
	tests := []struct {
		in   *attest.Error
		want string
	}{
		{attest.Errorf(attest.ENOTFOUND, "no such engagement: X"), "no such engagement: X (see `attest engagement list`)"},
		{attest.Errorf(attest.ENOTFOUND, "no such test: 4"), "no such test: 4 (see `attest test list`)"},
		{&attest.Error{Code: attest.ENOTFOUND, Message: "no such control: A", Hint: "see `attest catalog controls`"}, "no such control: A (see `attest catalog controls`)"},
		{attest.Errorf(attest.EINVALID, "no such test: 4"), "no such test: 4"},
		{attest.Errorf(attest.ENOTFOUND, "no data directory"), "no data directory"},
		{&attest.Error{Code: attest.EINVALID, Message: "name the deviations disclosed, by identifier", Hint: "in words"}, "name the deviations disclosed, by identifier (see them with `attest deviations list`)"},
		{attest.Errorf(attest.EINVALID, "control X: \"not applicable\" needs a reason"), "control X: \"not applicable\" needs a reason (--reason TEXT)"},
	}
	for _, tt := range tests {
		if got := withHint(tt.in).Error(); got != tt.want {
			t.Errorf("withHint(%q) = %q, want %q", tt.in.Error(), got, tt.want)
		}
	}
	err := hinted(attest.Errorf(attest.EINVALID, "a retraction needs a reason"), attest.EINVALID, "needs a reason", "--reason")
	if got := err.Error(); got != "a retraction needs a reason (--reason)" {
		t.Errorf("hinted: %q", got)
	}
	if got := hinted(attest.Errorf(attest.ECONFLICT, "a retraction needs a reason"), attest.EINVALID, "needs a reason", "--reason").Error(); got != "a retraction needs a reason" {
		t.Errorf("hinted, other code: %q", got)
	}
}
