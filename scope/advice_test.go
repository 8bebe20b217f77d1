package scope

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

// today is the day the advice in these tests is given.
var today = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func decideToday(a Answers) *Recommendation {
	opts := DefaultOptions()
	opts.Today = today
	return Decide(&a, opts)
}

// texts is every sentence a recommendation holds.
func texts(r *Recommendation) []string {
	out := append([]string{}, r.Warnings...)
	for _, rep := range r.Reports {
		out = append(out, rep.Reasons...)
	}
	for _, c := range r.Considered {
		out = append(out, c.Reason)
	}
	return out
}

func allText(r *Recommendation) string { return strings.Join(texts(r), "\n") }

// badPlural finds "1 months", "1 customers" and the like.
var badPlural = regexp.MustCompile(`\b1 (months|customers|weeks|years|deviations)\b`)

func TestClaimsProcessorWithFiveMonths(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"claims"}, ControlsOperatingMonths: n(5), ControlsInPlace: "yes"})
	soc1 := r.Report(attest.SOC1)
	if soc1 == nil || soc1.Type == nil || *soc1.Type != "Type 2" {
		t.Fatalf("want a SOC 1 Type 2: %s", summary(r))
	}
	if soc1.PeriodStart != "2026-06-01" || soc1.PeriodEnd != "2026-11-30" || soc1.ObservationMonths != 6 {
		t.Errorf("period %s to %s (%d months), want 2026-06-01 to 2026-11-30 (6 months)", soc1.PeriodStart, soc1.PeriodEnd, soc1.ObservationMonths)
	}
	text := allText(r)
	for _, want := range []string{"2026-06-01", "5 months ago", "2026-11-30", "at the end of this month"} {
		if !strings.Contains(text, want) {
			t.Errorf("advice does not say %q:\n%s", want, text)
		}
	}
	if m := badPlural.FindString(text); m != "" {
		t.Errorf("wrong plural %q in:\n%s", m, text)
	}
}

func TestOneAlignedPeriodForSOC1AndSOC2(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"claims", "saas"}, CustomerData: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(5)})
	if got, want := summary(r), "SOC 1 Type 2 [itgc claims] 6m; SOC 2 Type 2 [Security] 6m"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	soc1, soc2 := r.Report(attest.SOC1), r.Report(attest.SOC2)
	if soc1.PeriodStart != soc2.PeriodStart || soc1.PeriodEnd != soc2.PeriodEnd {
		t.Errorf("SOC 1 %s..%s and SOC 2 %s..%s: want one period", soc1.PeriodStart, soc1.PeriodEnd, soc2.PeriodStart, soc2.PeriodEnd)
	}
	if !strings.Contains(allText(r), "one combined examination over the same period") {
		t.Errorf("no combined examination advice: %q", texts(r))
	}
}

func TestFiscalYearEndsChooseThePeriodEnd(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"claims"}, ControlsOperatingMonths: n(5),
		CustomerFiscalYearEnds: []string{"12-31", "12-31", "03-31", "06-30"}})
	soc1 := r.Report(attest.SOC1)
	if soc1.PeriodStart != "2026-06-01" || soc1.PeriodEnd != "2026-12-31" || soc1.ObservationMonths != 7 {
		t.Errorf("period %s to %s (%d months), want 2026-06-01 to 2026-12-31 (7 months)", soc1.PeriodStart, soc1.PeriodEnd, soc1.ObservationMonths)
	}
	want := &FiscalFit{EndMonth: "December", Served: 3, Customers: 4, YearEnds: []YearEndFit{
		{YearEnd: "12-31", Customers: 2, BridgeMonths: 0, Served: true},
		{YearEnd: "03-31", Customers: 1, BridgeMonths: 3, Served: true},
		{YearEnd: "06-30", Customers: 1, BridgeMonths: 6, Served: false},
	}}
	if diff := cmp.Diff(want, soc1.FiscalFit); diff != "" {
		t.Errorf("fiscal fit (-want +got):\n%s", diff)
	}
	text := allText(r)
	for _, w := range []string{"3 of 4 customers", "bridge letter", "June 30", "6 months"} {
		if !strings.Contains(text, w) {
			t.Errorf("advice lacks %q:\n%s", w, text)
		}
	}
	// Without the answer, the SOC 1 advice asks for it.
	r = decideToday(Answers{ServiceTypes: []string{"claims"}, ControlsOperatingMonths: n(5)})
	if !hasWarning(r, "customer_fiscal_year_ends was not answered") {
		t.Errorf("no warning about fiscal year-ends: %q", r.Warnings)
	}
	// A SOC 2 alone does not need them.
	r = decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(5)})
	if hasWarning(r, "fiscal") {
		t.Errorf("SOC 2 asks for fiscal year-ends: %q", r.Warnings)
	}
}

func TestReadinessBeforeTheFirstPeriod(t *testing.T) {
	for _, tc := range []struct {
		inPlace        string
		start, typical string
	}{
		{"no", "2027-06-01", "typically 3 to 6 months"},
		{"partly", "2027-03-01", "typically 1 to 3 months"},
		{"yes", "2026-12-01", ""},
	} {
		r := decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(0), ControlsInPlace: tc.inPlace})
		soc2 := r.Report(attest.SOC2)
		if soc2.PeriodStart != tc.start {
			t.Errorf("controls in place %q: period starts %s, want %s", tc.inPlace, soc2.PeriodStart, tc.start)
		}
		if tc.typical == "" {
			if r.Readiness != nil {
				t.Errorf("controls in place: readiness %+v", r.Readiness)
			}
			continue
		}
		if r.Readiness == nil || !strings.Contains(allText(r), tc.typical) || !strings.Contains(allText(r), "not a promise") {
			t.Errorf("controls in place %q: readiness %+v, advice %q", tc.inPlace, r.Readiness, texts(r))
		}
	}
	// Months of operation do not make a Type 2 period while controls are
	// only partly in place.
	r := decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(8), ControlsInPlace: "partly"})
	if soc2 := r.Report(attest.SOC2); soc2.PeriodStart != "2027-03-01" || !hasWarning(r, "only partly in place") {
		t.Errorf("partly in place with 8 months: %+v %q", soc2, r.Warnings)
	}
	// Not answered: said so.
	r = decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(0)})
	if !hasWarning(r, "controls_in_place was not answered") {
		t.Errorf("no warning about controls_in_place: %q", r.Warnings)
	}
}

func TestRetrospectivePeriodWarnsAboutRetention(t *testing.T) {
	r := decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(8)})
	if soc2 := r.Report(attest.SOC2); soc2.PeriodStart != "2026-03-01" || soc2.PeriodEnd != "2026-10-31" {
		t.Errorf("period %s..%s, want the last 8 months", soc2.PeriodStart, soc2.PeriodEnd)
	}
	if !hasWarning(r, "evidence for every occurrence") || !hasWarning(r, "log retention") {
		t.Errorf("no retention warning: %q", r.Warnings)
	}
	r = decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(0), ControlsInPlace: "yes"})
	if hasWarning(r, "evidence for every occurrence") {
		t.Errorf("a period that starts next month warns about retention: %q", r.Warnings)
	}
}

func TestRequestsInFreeText(t *testing.T) {
	tests := []struct {
		requested  []string
		want       string
		option     string   // a considered SOC 2+ option
		warnings   []string // fragments
		noWarnings []string
	}{
		{[]string{"security"}, "SOC 2 Type 2 [Security] 3m", "", nil, []string{"not understood"}},
		{[]string{"HIPAA"}, "SOC 2 Type 2 [Security] 3m", "SOC 2+ HIPAA", []string{"HIPAA itself has no certification"}, nil},
		{[]string{"ISO 27001 certificate"}, "", "SOC 2+ ISO/IEC 27001", []string{"accredited certification body", "no SOC report replaces"}, nil},
		{[]string{"HITRUST"}, "", "SOC 2+ HITRUST", []string{"HITRUST's", "no SOC report replaces"}, nil},
		{[]string{"SOC 2", "PCI DSS"}, "SOC 2 Type 2 [Security] 3m", "", []string{`"PCI DSS" is not understood`}, nil},
		{[]string{"SOC 4"}, "", "", []string{`"SOC 4" is not understood`}, nil},
		{[]string{"SOC 3 Type 2"}, "SOC 2 Type 2 [Security] 3m; SOC 3 [Security] 3m", "", []string{"a SOC 3 has no Type 1 or Type 2 form"}, nil},
	}
	for _, tt := range tests {
		r := decideToday(Answers{Requested: tt.requested, ControlsOperatingMonths: n(3)})
		if got := summary(r); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.requested, got, tt.want)
		}
		found := tt.option == ""
		for _, c := range r.Considered {
			found = found || (c.Option == tt.option && strings.Contains(c.Reason, "addition"))
		}
		if !found {
			t.Errorf("%q: no %s option in %+v", tt.requested, tt.option, r.Considered)
		}
		for _, w := range tt.warnings {
			if !hasWarning(r, w) {
				t.Errorf("%q: no warning %q in %q", tt.requested, w, r.Warnings)
			}
		}
		for _, w := range tt.noWarnings {
			if hasWarning(r, w) {
				t.Errorf("%q: unexpected warning %q", tt.requested, w)
			}
		}
		for _, s := range texts(r) {
			if regexp.MustCompile(`(?i)SOC [123]\+? (report )?(is|as) a certif|SOC [123] certif`).MatchString(s) {
				t.Errorf("calls a SOC report a certification: %q", s)
			}
		}
	}
}

func TestNoSystemServingCustomers(t *testing.T) {
	r := decideToday(Answers{PublicTrust: b(true), CustomerData: b(false), SecurityReviews: b(false), ServiceTypes: []string{"other"}, ControlsOperatingMonths: n(6)})
	if len(r.Reports) != 0 || !hasWarning(r, "No SOC report is indicated") || !hasWarning(r, "SOC 3") {
		t.Errorf("got %s, warnings %q", summary(r), r.Warnings)
	}
	// A SaaS that wants a public report still gets SOC 2 and SOC 3.
	r = decideToday(Answers{PublicTrust: b(true), ServiceTypes: []string{"saas"}, ControlsOperatingMonths: n(6)})
	if got := summary(r); got != "SOC 2 Type 2 [Security] 6m; SOC 3 [Security] 6m" {
		t.Errorf("SaaS with public trust: %s", got)
	}
}

func TestColocationProvider(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"hosting"}, CustomerAuditorReliance: b(true), SecurityReviews: b(true), AvailabilityCommitments: b(true), ControlsOperatingMonths: n(12)})
	if got, want := summary(r), "SOC 1 Type 2 [hosting] 12m; SOC 2 Type 2 [Security, Availability] 12m"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Without reliance by customers' auditors, a SOC 1 is only considered.
	r = decideToday(Answers{ServiceTypes: []string{"hosting"}, ControlsOperatingMonths: n(12)})
	if got := summary(r); got != "SOC 2 Type 2 [Security] 12m" || !strings.Contains(strings.Join(considered(r), ","), "SOC 1") {
		t.Errorf("got %s, considered %v", got, considered(r))
	}
	// A managed host that also runs applications keeps the SaaS baseline.
	r = decideToday(Answers{ServiceTypes: []string{"hosting", "saas"}, CustomerAuditorReliance: b(true), ControlsOperatingMonths: n(12)})
	if got := r.Report(attest.SOC1).ObjectiveTemplates; strings.Join(got, " ") != "itgc hosting" {
		t.Errorf("hosting and SaaS templates %v", got)
	}
}

func TestTypeOneNowSaysWhen(t *testing.T) {
	r := decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(1), ReportNeededWithinMonths: n(2)})
	soc2 := r.Report(attest.SOC2)
	if soc2.AsOf != "2026-11-30" || soc2.Next == nil || soc2.Next.PeriodStart != "2026-10-01" || soc2.Next.PeriodEnd != "2026-12-31" {
		t.Errorf("Type 1 as of %s, next %+v", soc2.AsOf, soc2.Next)
	}
	if m := badPlural.FindString(allText(r)); m != "" {
		t.Errorf("wrong plural %q", m)
	}
}

func TestMonthsPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 months", 1: "1 month", 2: "2 months", 12: "12 months"} {
		if got := months(n); got != want {
			t.Errorf("months(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseFiscalYearEnds(t *testing.T) {
	a, err := ParseAnswers("a.yaml", []byte("customer_fiscal_year_ends: [Dec 31, 31 March, June, 2025-09-30, 02/28, \"jan 3rd\"]\ncontrols_in_place: partly\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"12-31", "03-31", "06-30", "09-30", "02-28", "01-03"}, a.CustomerFiscalYearEnds); diff != "" {
		t.Errorf("year-ends (-want +got):\n%s", diff)
	}
	if a.ControlsInPlace != "partly" {
		t.Errorf("controls_in_place %q", a.ControlsInPlace)
	}
	// A typed line with commas, as the terminal gives it.
	a, err = ParseAnswers("answer", []byte(`{"customer_fiscal_year_ends": "Dec 31, Jun 30", "controls_in_place": true}`))
	if err != nil || strings.Join(a.CustomerFiscalYearEnds, " ") != "12-31 06-30" || a.ControlsInPlace != "yes" {
		t.Errorf("typed answers: %+v %v", a, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"customer_fiscal_year_ends: [Feb 30]\n", `a.yaml: line 1: customer_fiscal_year_ends: "Feb 30": want a month and day`},
		{"customer_fiscal_year_ends: [Smarch 3]\n", `"Smarch 3": want a month and day`},
		{"customer_fiscal_year_ends: [13-01]\n", `"13-01"`},
		{"customer_fiscal_year_ends: {a: 1}\n", "want a list"},
		{"controls_in_place: maybe\n", `a.yaml: line 1: controls_in_place: want yes, partly or no, got "maybe"`},
		{"controls_in_place: [yes]\n", "want yes, partly or no"},
	} {
		_, err := ParseAnswers("a.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || attest.ErrorCode(err) != attest.EINVALID {
			t.Errorf("ParseAnswers(%q) = %v, want an EINVALID error containing %q", tc.in, err, tc.want)
		}
	}
	// Free-text requests are read, not refused; Decide names what it does not understand.
	a, err = ParseAnswers("a.yaml", []byte("requested: [SOC 4, HIPAA, security]\n"))
	if err != nil || len(a.Requested) != 3 {
		t.Errorf("free-text requests: %+v %v", a, err)
	}
	if _, err := ParseAnswers("a.yaml", []byte("service_types: [colocation, data centre]\n")); err != nil {
		t.Errorf("colocation service types: %v", err)
	}
}

func TestSummary(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"claims"}, ControlsOperatingMonths: n(5)})
	if got, want := r.Reports[0].Summary(), "SOC 1 Type 2: objectives itgc, claims; period 2026-06-01 to 2026-11-30 (6 months)"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	r = decideToday(Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(2), ReportNeededWithinMonths: n(2)})
	if got, want := r.Reports[0].Summary(), "SOC 2 Type 1: Security; as of 2026-11-30; Type 2 possible in 1 month, first period 3 months"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// BenchmarkDecide gives the advice for a SOC 1 and SOC 2 provider with
// fiscal year-ends to align, requests to read and readiness to add.
func BenchmarkDecide(b *testing.B) {
	a := Answers{ServiceTypes: []string{"claims", "saas", "hosting"}, CustomerAuditorReliance: b2(true), SecurityReviews: b2(true), CustomerData: b2(true),
		PublicTrust: b2(true), Requested: []string{"SOC 2 Type 2", "HIPAA", "ISO 27001", "PCI"}, ControlsInPlace: "partly", ControlsOperatingMonths: n(5),
		CustomerFiscalYearEnds: []string{"12-31", "12-31", "03-31", "06-30", "09-30"}, ReportNeededWithinMonths: n(9)}
	opts := DefaultOptions()
	opts.Today = today
	for b.Loop() {
		Decide(&a, opts)
	}
}

func b2(v bool) *bool { return &v }

func TestDeadlineSaysTheLatestStart(t *testing.T) {
	r := decideToday(Answers{SecurityReviews: b(true), ControlsInPlace: "yes", ControlsOperatingMonths: n(0), ReportNeededWithinMonths: n(9)})
	soc2 := r.Report(attest.SOC2)
	if soc2.PeriodStart != "2026-12-01" || !strings.Contains(allText(r), "must start on 2027-03-01 (in 4 months) at the latest") {
		t.Errorf("period from %s; advice %q", soc2.PeriodStart, texts(r))
	}
}

func TestDecideReadsYearEndsFromAnyCaller(t *testing.T) {
	r := decideToday(Answers{ServiceTypes: []string{"claims"}, ControlsOperatingMonths: n(5), CustomerFiscalYearEnds: []string{"Dec 31", "x"}})
	if soc1 := r.Report(attest.SOC1); soc1.PeriodEnd != "2026-12-31" || !hasWarning(r, `"x" is not understood`) {
		t.Errorf("period end %s, warnings %q", soc1.PeriodEnd, r.Warnings)
	}
}
