package scope

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/google/go-cmp/cmp"
)

func b(v bool) *bool { return &v }
func n(v int) *int   { return &v }

// summary is a compact view of a recommendation for table tests:
// "SOC 1 Type 2 [itgc payroll] 6m; SOC 2 Type 2 [Security ...] 3m".
func summary(r *Recommendation) string {
	var parts []string
	for _, rep := range r.Reports {
		s := string(rep.Kind)
		if rep.Type != nil {
			s += " " + *rep.Type
		}
		if rep.Kind == attest.SOC1 {
			s += " [" + strings.Join(rep.ObjectiveTemplates, " ") + "]"
		} else {
			s += " [" + strings.Join(rep.Categories, ", ") + "]"
		}
		s += " " + strconv.Itoa(rep.ObservationMonths) + "m"
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func considered(r *Recommendation) []string {
	var out []string
	for _, c := range r.Considered {
		out = append(out, strings.TrimSpace(string(c.Kind)+" "+c.Type))
	}
	return out
}

// hasWarning reports whether any warning contains every fragment.
func hasWarning(r *Recommendation, fragment string) bool {
	for _, w := range r.Warnings {
		if strings.Contains(w, fragment) {
			return true
		}
	}
	return false
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name       string
		a          Answers
		opts       *Options
		want       string
		considered []string
		warnings   []string // fragments that must appear
		noWarnings []string // fragments that must not appear
	}{
		{
			name: "SaaS with customer data and security reviews: SOC 2 Type 2",
			a:    Answers{CustomerData: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(4), ServiceTypes: []string{"saas"}},
			want: "SOC 2 Type 2 [Security] 4m", considered: []string{"SOC 3"},
			noWarnings: []string{"SOC 1"},
		},
		{
			name: "customer data, not ICFR, no security demand: still SOC 2 (rule 2)",
			a:    Answers{CustomerData: b(true), ControlsOperatingMonths: n(12)},
			want: "SOC 2 Type 2 [Security] 12m", considered: []string{"SOC 3"},
		},
		{
			name: "ICFR payroll with customer data but no security demand: SOC 1, SOC 2 considered",
			a:    Answers{FinancialReportingImpact: b(true), CustomerData: b(true), ControlsOperatingMonths: n(8), ServiceTypes: []string{"payroll"}},
			want: "SOC 1 Type 2 [itgc payroll] 8m", considered: []string{"SOC 2"},
		},
		{
			name: "ICFR and security reviews: both reports, combined examination",
			a:    Answers{CustomerAuditorReliance: b(true), SecurityReviews: b(true), CustomerData: b(true), ControlsOperatingMonths: n(7), ServiceTypes: []string{"billing", "saas"}},
			want: "SOC 1 Type 2 [itgc billing] 7m; SOC 2 Type 2 [Security] 7m", considered: []string{"SOC 3"},
		},
		{
			name: "SOC 2 requested by a payroll company: SOC 1 added anyway, with a mismatch warning",
			a:    Answers{Requested: []string{"SOC 2"}, ServiceTypes: []string{"payroll"}, ControlsOperatingMonths: n(12)},
			want: "SOC 1 Type 2 [itgc payroll] 12m; SOC 2 Type 2 [Security] 12m", considered: []string{"SOC 3"},
			warnings: []string{"SOC 2 requested, but the service looks relevant to customers' financial reporting"},
		},
		{
			name: "SOC 1 requested by a non-ICFR SaaS: kept, with a warning, and SOC 2 from the data",
			a:    Answers{Requested: []string{"SOC 1 Type 2"}, CustomerData: b(true), ControlsOperatingMonths: n(12)},
			want: "SOC 1 Type 2 [itgc] 12m; SOC 2 Type 2 [Security] 12m", considered: []string{"SOC 3"},
			warnings: []string{"SOC 1 requested, but the service does not look relevant"},
		},
		{
			name: "SOC 1 requested but customers send security reviews: warn SOC 1 is not a security review",
			a:    Answers{Requested: []string{"SOC 1"}, FinancialReportingImpact: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(12)},
			want: "SOC 1 Type 2 [itgc] 12m; SOC 2 Type 2 [Security] 12m", considered: []string{"SOC 3"},
			warnings: []string{"a SOC 1 does not replace a security review"},
		},
		{
			name:       "nothing relevant: no report indicated",
			a:          Answers{ServiceTypes: []string{"other"}, ControlsOperatingMonths: n(0)},
			want:       "",
			considered: []string{"SOC 2"},
			warnings:   []string{"No SOC report is indicated"},
		},
		{
			name:     "public trust: SOC 3 on top of SOC 2 Type 2",
			a:        Answers{PublicTrust: b(true), CustomerData: b(true), ControlsOperatingMonths: n(6)},
			want:     "SOC 2 Type 2 [Security] 6m; SOC 3 [Security] 6m",
			warnings: []string{"never as a certification"},
		},
		{
			name: "public trust with no system serving customers: no report to publish",
			a:    Answers{PublicTrust: b(true), ControlsOperatingMonths: n(3)},
			want: "", considered: []string{"SOC 2"},
			warnings: []string{"no system that serves customers", "No SOC report is indicated"},
		},
		{
			name: "public trust for a SaaS: SOC 3 rests on SOC 2 work",
			a:    Answers{PublicTrust: b(true), ServiceTypes: []string{"saas"}, ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security] 3m; SOC 3 [Security] 3m",
		},
		{
			name: "SOC 3 requested",
			a:    Answers{Requested: []string{"SOC 3"}, ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security] 3m; SOC 3 [Security] 3m",
		},
		{
			name: "every category rule",
			a: Answers{CustomerData: b(true), SecurityReviews: b(true), AvailabilityCommitments: b(true), ConfidentialityCommitments: b(true),
				ProcessingIntegrityCommitments: b(true), PrivacyCommitments: b(true), PersonalData: b(true), ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security, Availability, Processing Integrity, Confidentiality, Privacy] 3m", considered: []string{"SOC 3"},
			noWarnings: []string{"covered here under Confidentiality"},
		},
		{
			name: "personal data without privacy commitments brings in Confidentiality",
			a:    Answers{PersonalData: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security, Confidentiality] 3m", considered: []string{"SOC 3"},
			warnings: []string{"covered here under Confidentiality"},
		},
		{
			name: "privacy commitments: Privacy, and no automatic Confidentiality",
			a:    Answers{PersonalData: b(true), PrivacyCommitments: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security, Privacy] 3m", considered: []string{"SOC 3"},
		},
		{
			name: "SOC 2 below the minimum with a near deadline: Type 1 now",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(1), ReportNeededWithinMonths: n(3)},
			want: "SOC 2 Type 1 [Security] 3m", considered: []string{"SOC 3"},
			noWarnings: []string{"SOC 1 Type 1"},
		},
		{
			name: "SOC 2 below the minimum, deadline exactly at remaining + lag: Type 2",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(1), ReportNeededWithinMonths: n(4)},
			want: "SOC 2 Type 2 [Security] 3m", considered: []string{"SOC 3", "SOC 2 Type 1"},
		},
		{
			name: "SOC 2 below the minimum, no deadline: Type 2, Type 1 only an optional milestone",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(0)},
			want: "SOC 2 Type 2 [Security] 3m", considered: []string{"SOC 3", "SOC 2 Type 1"},
		},
		{
			name:     "SOC 1 with 4 months (SOC 2 would be enough) and a 5-month deadline: Type 1 with reliance warning",
			a:        Answers{FinancialReportingImpact: b(true), ControlsOperatingMonths: n(4), ReportNeededWithinMonths: n(3)},
			want:     "SOC 1 Type 1 [itgc] 6m",
			warnings: []string{"customers' auditors cannot rely on it for operating effectiveness"},
		},
		{
			name: "per-kind minimum: 4 months is a SOC 2 Type 2 but not yet a SOC 1 Type 2",
			a:    Answers{FinancialReportingImpact: b(true), SecurityReviews: b(true), ControlsOperatingMonths: n(4), ReportNeededWithinMonths: n(3)},
			want: "SOC 1 Type 1 [itgc] 6m; SOC 2 Type 2 [Security] 4m", considered: []string{"SOC 3"},
		},
		{
			name: "a firm profile can change the minimum and the lag",
			a:    Answers{FinancialReportingImpact: b(true), ControlsOperatingMonths: n(4), ReportNeededWithinMonths: n(3)},
			opts: &Options{MinPeriodMonths: map[attest.Kind]int{attest.SOC1: 3, attest.SOC2: 3}, FieldworkLagMonths: 1},
			want: "SOC 1 Type 2 [itgc] 4m",
		},
		{
			name: "longer lag turns the Type 2 into a Type 1",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(1), ReportNeededWithinMonths: n(4)},
			opts: &Options{MinPeriodMonths: map[attest.Kind]int{attest.SOC1: 6, attest.SOC2: 3}, FieldworkLagMonths: 3},
			want: "SOC 2 Type 1 [Security] 3m", considered: []string{"SOC 3"},
		},
		{
			name: "requested Type 2 that cannot exist in time",
			a:    Answers{Requested: []string{"SOC 2 Type 2"}, ControlsOperatingMonths: n(0), ReportNeededWithinMonths: n(2)},
			want: "SOC 2 Type 1 [Security] 3m", considered: []string{"SOC 3"},
			warnings: []string{"asked for a SOC 2 Type 2, which cannot exist within 2 months"},
		},
		{
			name: "requested Type 1 before the minimum: Type 1 as asked, Type 2 next",
			a:    Answers{Requested: []string{"SOC 2 Type 1"}, ControlsOperatingMonths: n(1)},
			want: "SOC 2 Type 1 [Security] 3m", considered: []string{"SOC 3"},
		},
		{
			name: "requested Type 1 after the minimum: Type 2 with a warning",
			a:    Answers{Requested: []string{"SOC 2 Type 1"}, ControlsOperatingMonths: n(5)},
			want: "SOC 2 Type 2 [Security] 5m", considered: []string{"SOC 3"},
			warnings: []string{"asked for a SOC 2 Type 1"},
		},
		{
			name: "planning too late: Type 2 ready but report needed within the fieldwork lag",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(9), ReportNeededWithinMonths: n(1)},
			want: "SOC 2 Type 2 [Security] 9m", considered: []string{"SOC 3"},
			warnings: []string{"common mistake"},
		},
		{
			name: "planning too late even for a Type 1",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(0), ReportNeededWithinMonths: n(0)},
			want: "SOC 2 Type 1 [Security] 3m", considered: []string{"SOC 3"},
			warnings: []string{"even a Type 1 needs fieldwork"},
		},
		{
			name: "long operation: first period capped at 12 months",
			a:    Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(30)},
			want: "SOC 2 Type 2 [Security] 12m", considered: []string{"SOC 3"},
		},
		{
			name: "unanswered months read as 0, with a warning",
			a:    Answers{SecurityReviews: b(true)},
			want: "SOC 2 Type 2 [Security] 3m", considered: []string{"SOC 3", "SOC 2 Type 1"},
			warnings: []string{"controls_operating_months was not answered"},
		},
		{
			name: "payroll service type contradicted by an explicit no: warned, not assumed",
			a:    Answers{FinancialReportingImpact: b(false), ServiceTypes: []string{"payroll"}, CustomerData: b(true), ControlsOperatingMonths: n(3)},
			want: "SOC 2 Type 2 [Security] 3m", considered: []string{"SOC 3"},
			warnings: []string{"payroll processing usually does"},
		},
		{
			name: "all five business templates",
			a:    Answers{ServiceTypes: []string{"payroll", "billing", "claims", "loan_servicing", "custody", "saas"}, ControlsOperatingMonths: n(6)},
			want: "SOC 1 Type 2 [itgc payroll billing claims loan_servicing custody] 6m",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			if tt.opts != nil {
				opts = *tt.opts
			}
			got := Decide(&tt.a, opts)
			if s := summary(got); s != tt.want {
				t.Errorf("reports:\n got  %s\n want %s", s, tt.want)
			}
			if diff := cmp.Diff(tt.considered, considered(got)); diff != "" {
				t.Errorf("considered (-want +got):\n%s", diff)
			}
			for _, w := range tt.warnings {
				if !hasWarning(got, w) {
					t.Errorf("missing warning %q in %q", w, got.Warnings)
				}
			}
			for _, w := range tt.noWarnings {
				if hasWarning(got, w) {
					t.Errorf("unexpected warning %q in %q", w, got.Warnings)
				}
			}
			if m := badPlural.FindString(allText(got)); m != "" {
				t.Errorf("wrong plural %q in %q", m, texts(got))
			}
			// With today's date, the same advice names its dates.
			opts.Today = today
			dated := Decide(&tt.a, opts)
			if s := summary(dated); s != tt.want {
				t.Errorf("with a date: got %s", s)
			}
			for _, r := range dated.Reports {
				if r.Type != nil && *r.Type == "Type 2" && (r.PeriodStart == "" || r.PeriodEnd == "") {
					t.Errorf("%s Type 2 without dates", r.Kind)
				}
				if r.Type != nil && *r.Type == "Type 1" && (r.AsOf == "" || r.Next.PeriodStart == "") {
					t.Errorf("%s Type 1 without dates", r.Kind)
				}
			}
			if m := badPlural.FindString(allText(dated)); m != "" {
				t.Errorf("wrong plural %q in %q", m, texts(dated))
			}
			for _, r := range got.Reports {
				if len(r.Reasons) == 0 {
					t.Errorf("%s has no reason", r.Kind)
				}
				if (r.Kind == attest.SOC3) != (r.Type == nil) {
					t.Errorf("%s: type %v", r.Kind, r.Type)
				}
			}
		})
	}
}

func TestType1SaysWhenType2(t *testing.T) {
	r := Decide(&Answers{SecurityReviews: b(true), ControlsOperatingMonths: n(1), ReportNeededWithinMonths: n(2)}, DefaultOptions())
	soc2 := r.Report(attest.SOC2)
	want := &Next{Type: "Type 2", PossibleInMonths: 2, FirstPeriodMonths: 3, ReportInAboutMonths: 4}
	if diff := cmp.Diff(want, soc2.Next); diff != "" {
		t.Errorf("next (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(soc2.Reasons, " "), "in 2 more months") {
		t.Errorf("reasons do not say when: %q", soc2.Reasons)
	}
}

func TestParseAnswers(t *testing.T) {
	good := `
financial_reporting_impact: true
requested: ["SOC 2 Type 2", "SOC 1"]
controls_operating_months: 4
service_types: [payroll, saas]
report_needed_within_months: null
`
	a, err := ParseAnswers("a.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if !yes(a.FinancialReportingImpact) || *a.ControlsOperatingMonths != 4 || len(a.Requested) != 2 || a.ReportNeededWithinMonths != nil {
		t.Errorf("parsed %+v", a)
	}
	if _, err := ParseAnswers("a.json", []byte(`{"customer_data": true, "requested": ["SOC 3"]}`)); err != nil {
		t.Errorf("JSON: %v", err)
	}
	bad := []struct{ in, want string }{
		{"custmer_data: true\n", `a.yaml: line 1: unknown key "custmer_data"`},
		{"customer_data: yes please\n", "a.yaml: line 1: customer_data: want true or false"},
		{"customer_data: 1\n", "customer_data: want true or false"},
		{"\ncontrols_operating_months: -3\n", "a.yaml: line 2: controls_operating_months: want 0 or more months, got -3"},
		{"controls_operating_months: 2.5\n", "want a whole number of months"},
		{"controls_operating_months: \"4\"\n", "want a whole number of months"},
		{"requested: [{a: 1}]\n", "want a list of strings"},
		{"service_types: [bakery]\n", `unknown service type "bakery"`},
		{"service_types: {a: 1}\n", "want a list of strings"},
		{"- customer_data\n", "want a mapping"},
		{"customer_data: true\ncustomer_data: false\n", "given twice"},
		{"customer_data: [true\n", "not valid YAML or JSON"},
	}
	for _, tt := range bad {
		_, err := ParseAnswers("a.yaml", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseAnswers(%q) = %v, want error containing %q", tt.in, err, tt.want)
		}
		if attest.ErrorCode(err) != attest.EINVALID && err != nil {
			t.Errorf("ParseAnswers(%q): code %s", tt.in, attest.ErrorCode(err))
		}
	}
}

func FuzzParseAnswers(f *testing.F) {
	f.Add([]byte("customer_data: true\nrequested: [SOC 2 Type 2]\ncontrols_operating_months: 3\n"))
	f.Add([]byte(`{"service_types":["payroll"],"public_trust":true}`))
	f.Add([]byte("requested: SOC 1\n"))
	f.Add([]byte("service_types: [claims, hosting]\ncustomer_fiscal_year_ends: Dec 31, 30 June\ncontrols_in_place: partly\nrequested: [HIPAA, ISO 27001, bakery]\nreport_needed_within_months: 4\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ParseAnswers("fuzz", in)
		if err != nil {
			if attest.ErrorCode(err) != attest.EINVALID {
				t.Fatalf("error with code %s: %v", attest.ErrorCode(err), err)
			}
			return
		}
		opts := DefaultOptions()
		for _, day := range []time.Time{{}, today} {
			opts.Today = day
			r := Decide(a, opts)
			for _, rep := range r.Reports {
				if len(rep.Reasons) == 0 {
					t.Fatalf("report without reason: %+v", rep)
				}
				if rep.Type != nil && *rep.Type == "Type 2" && rep.ObservationMonths < opts.MinPeriodMonths[rep.Kind] {
					t.Fatalf("%s Type 2 over %d months", rep.Kind, rep.ObservationMonths)
				}
			}
		}
	})
}
