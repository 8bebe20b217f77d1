package report

import (
	"sort"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// described is a draft whose system description holds the given paragraphs.
func described(paras ...string) *Document {
	return &Document{Sections: []Section{{ID: "section-3", Number: "Section 3", Title: "Description of the system", Blocks: []Block{{Paras: paras}}}}}
}

// phrases lists the phrases of the findings of one rule, sorted.
func phrases(fs []Finding, rule string) []string {
	var out []string
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, strings.ToLower(f.Phrase))
		}
	}
	sort.Strings(out)
	return out
}

func TestLintFindsEveryClaimInASentence(t *testing.T) {
	sent := "Harbor offers bank-grade security that guarantees 100% uptime."
	got := Lint(described(sent), nil)
	want := []string{"100% uptime", "bank-grade", "guarantees"}
	if diff := cmp.Diff(want, phrases(got, RuleUnverifiable)); diff != "" {
		t.Fatalf("phrases (-want +got):\n%s\nfindings: %v", diff, got)
	}
	for _, f := range got {
		if f.Excerpt != sent {
			t.Errorf("finding for %q names %q, want the whole sentence", f.Phrase, f.Excerpt)
		}
		if s := f.String(); !strings.Contains(s, f.Phrase) || !strings.Contains(s, sent) {
			t.Errorf("String() = %q: want the phrase and the sentence", s)
		}
	}
}

func TestLintUnverifiablePhrases(t *testing.T) {
	for _, tc := range []struct{ sentence, phrase string }{
		{"We guarantee that payroll files arrive on time.", "guarantee"},
		{"Customers get guaranteed delivery.", "guaranteed"},
		{"The platform runs at 100% uptime.", "100% uptime"},
		{"The platform runs at 100 percent uptime.", "100 percent uptime"},
		{"Data is held in bank-grade storage.", "bank-grade"},
		{"Files are sent with military grade encryption.", "military grade"},
		{"Our login page is unhackable.", "unhackable"},
		{"The service is fully compliant with the law.", "fully compliant"},
		{"Harbor runs a best-in-class payroll engine.", "best-in-class"},
		{"Our world-leading team reviews access.", "world-leading"},
	} {
		got := phrases(Lint(described(tc.sentence), nil), RuleUnverifiable)
		if len(got) != 1 || got[0] != tc.phrase {
			t.Errorf("%q: phrases %q, want [%q]", tc.sentence, got, tc.phrase)
		}
	}
	// Saying what a control does not promise is a fair statement.
	for _, s := range []string{
		"Controls provide reasonable assurance, which is not a guarantee, that objectives are met.",
		"No control can guarantee that every error is prevented.",
		"The system does not guarantee delivery of files sent by customers after the cut-off.",
	} {
		if got := Lint(described(s), nil); len(got) != 0 {
			t.Errorf("%q flagged: %v", s, got)
		}
	}
}

func TestLintEveryRuleInOneSentence(t *testing.T) {
	ctls := []attest.Control{{ID: "AC-04", Title: "Leaver access removed", Status: attest.InProgress}}
	sent := "Our unhackable platform passed its SOC 2 audit, and leavers are removed under AC-04."
	got := Lint(described(sent), ctls)
	rules := map[string]int{}
	for _, f := range got {
		rules[f.Rule]++
	}
	if rules[RuleUnverifiable] != 1 || rules[RuleCertification] != 1 || rules[RuleNotInPlace] != 1 || len(got) != 3 {
		t.Errorf("findings %v", got)
	}
}

func TestLintNotInPlaceSaysHowToResolve(t *testing.T) {
	ctls := []attest.Control{{ID: "AC-04", Title: "Leaver access removed", Status: attest.NotStarted}}
	got := Lint(described("Leavers are removed under AC-04."), ctls)
	if len(got) != 1 {
		t.Fatalf("findings %v", got)
	}
	f := got[0]
	for _, want := range []string{"AC-04", "not started", "implement", "its status implemented", "remove"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail %q lacks %q", f.Detail, want)
		}
	}
	if f.Phrase != "AC-04" {
		t.Errorf("phrase %q, want the control ID", f.Phrase)
	}
	// Once in place, the same sentence is fine.
	ctls[0].Status = attest.Implemented
	if got := Lint(described("Leavers are removed under AC-04."), ctls); len(got) != 0 {
		t.Errorf("implemented control flagged: %v", got)
	}
}

// BenchmarkLint reads the benchmark draft (a SOC 2 Type 2 with all five
// categories and 150 controls) once per iteration.
func BenchmarkLint(b *testing.B) {
	in := benchInput(b)
	d, err := Build(in)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Lint(d, in.Controls)
	}
}
