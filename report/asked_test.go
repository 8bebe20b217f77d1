package report_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/report"
)

// TestAskedRequest: the kind, type and formats read as Draft takes them
// (no format named: the default ones), and each refusal named by its
// field, as the reports page and the API show it.
func TestAskedRequest(t *testing.T) {
	for _, c := range []struct {
		name    string
		asked   report.Asked
		kind    attest.Kind
		typ     attest.ReportType
		formats map[string]bool
		wantErr string
	}{
		{"nothing named", report.Asked{}, "", "", map[string]bool{"html": true, "md": true}, ""},
		{"empty formats", report.Asked{Formats: []string{"", " "}}, "", "", map[string]bool{"html": true, "md": true}, ""},
		{"a kind, a type and formats", report.Asked{Kind: "soc-3", Type: "Type 2", Formats: []string{"Markdown", "html"}}, attest.SOC3, attest.Type2, map[string]bool{"md": true, "html": true}, ""},
		{"an unknown kind", report.Asked{Kind: "SOC 9"}, "", "", nil, `kind: unknown report kind "SOC 9": want SOC 1, SOC 2 or SOC 3`},
		{"an unknown type", report.Asked{Type: "Type 3"}, "", "", nil, "type: "},
		{"an unknown format", report.Asked{Formats: []string{"docx"}}, "", "", nil, `formats: "docx": want html, pdf or md`},
		{"a comma-separated list", report.Asked{Formats: []string{"pdf, md"}}, "", "", map[string]bool{"pdf": true, "md": true}, ""},
		{"one unknown in a list", report.Asked{Formats: []string{"html,zzz"}}, "", "", nil, `formats: "zzz"`},
	} {
		got, err := c.asked.Request()
		if c.wantErr != "" {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), c.wantErr) {
				t.Errorf("%s: %v, want EINVALID %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got.Kind != c.kind || got.Type != c.typ {
			t.Errorf("%s: %q %q, want %q %q", c.name, got.Kind, got.Type, c.kind, c.typ)
		}
		if diff := cmp.Diff(c.formats, got.Formats); diff != "" {
			t.Errorf("%s, the formats (-want +got):\n%s", c.name, diff)
		}
	}
}
