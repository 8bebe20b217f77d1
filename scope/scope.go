package scope

import (
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// Options are the firm-profile defaults the rules use; a user may change them.
type Options struct {
	// MinPeriodMonths is the minimum first Type 2 period per kind.
	MinPeriodMonths map[attest.Kind]int
	// FieldworkLagMonths is the time from a period's end to the report.
	FieldworkLagMonths int
}

// DefaultOptions returns the defaults of DOMAIN.md section 2 rule 6: SOC 2
// three months, SOC 1 six months, two months of fieldwork.
func DefaultOptions() Options {
	return Options{
		MinPeriodMonths:    map[attest.Kind]int{attest.SOC1: 6, attest.SOC2: 3},
		FieldworkLagMonths: 2,
	}
}

// Report is one recommended report.
type Report struct {
	Kind               attest.Kind `json:"kind"`
	Type               *string     `json:"type"`
	Categories         []string    `json:"categories"`
	ObjectiveTemplates []string    `json:"objective_templates"`
	ObservationMonths  int         `json:"observation_months"`
	Reasons            []string    `json:"reasons"`
	// Next is the Type 2 that follows a Type 1 recommended now.
	Next *Next `json:"next,omitempty"`
}

// Next says when a Type 2 becomes possible after a Type 1.
type Next struct {
	Type                string `json:"type"`
	PossibleInMonths    int    `json:"possible_in_months"`
	FirstPeriodMonths   int    `json:"first_period_months"`
	ReportInAboutMonths int    `json:"report_in_about_months"`
}

// Considered is a report worth considering but not needed now.
type Considered struct {
	Kind   attest.Kind `json:"kind"`
	Type   string      `json:"type,omitempty"`
	Reason string      `json:"reason"`
}

// Recommendation is the whole answer.
type Recommendation struct {
	Reports    []Report     `json:"reports"`
	Considered []Considered `json:"considered"`
	Warnings   []string     `json:"warnings"`
}

// Report returns the recommended report of the given kind, or nil.
func (r *Recommendation) Report(k attest.Kind) *Report {
	for i := range r.Reports {
		if r.Reports[i].Kind == k {
			return &r.Reports[i]
		}
	}
	return nil
}

type facts struct {
	a         *Answers
	icfr      bool
	icfrWhy   []string
	security  bool
	data      bool
	requested map[attest.Kind]attest.ReportType // "" = no type named
	months    int
	deadline  int // -1: none
	rec       Recommendation
	opts      Options
}

func yes(b *bool) bool { return b != nil && *b }
func no(b *bool) bool  { return b != nil && !*b }

var icfrServices = map[string]string{
	"payroll":        "payroll",
	"billing":        "billing",
	"claims":         "claims",
	"loan_servicing": "loan_servicing",
	"custody":        "custody",
}

var serviceNames = map[string]string{
	"payroll":        "payroll processing",
	"billing":        "billing and revenue",
	"claims":         "claims processing",
	"loan_servicing": "loan servicing",
	"custody":        "investment management and custody",
}

// Decide applies the scoping rules to the answers. It never fails: missing
// answers are read as "no" (or 0 months) and said so in a warning where it
// changes the outcome.
func Decide(a *Answers, opts Options) *Recommendation {
	if opts.MinPeriodMonths == nil {
		opts.MinPeriodMonths = DefaultOptions().MinPeriodMonths
	}
	f := &facts{a: a, opts: opts, requested: map[attest.Kind]attest.ReportType{}, deadline: -1}
	f.rec.Reports, f.rec.Considered, f.rec.Warnings = []Report{}, []Considered{}, []string{}
	f.read()
	f.decideKinds()
	for i := range f.rec.Reports {
		f.decideType(&f.rec.Reports[i])
	}
	f.finalWarnings()
	return &f.rec
}

func (f *facts) warn(format string, args ...any) {
	f.rec.Warnings = append(f.rec.Warnings, fmt.Sprintf(format, args...))
}

func (f *facts) read() {
	a := f.a
	if yes(a.FinancialReportingImpact) {
		f.icfrWhy = append(f.icfrWhy, "the service feeds numbers into customers' financial statements")
	}
	if yes(a.CustomerAuditorReliance) {
		f.icfrWhy = append(f.icfrWhy, "customers' financial-statement auditors rely on its controls")
	}
	for _, s := range a.ServiceTypes {
		if _, ok := icfrServices[s]; !ok {
			continue
		}
		if no(a.FinancialReportingImpact) && a.CustomerAuditorReliance == nil {
			f.warn("You answered that the service does not affect customers' financial reporting, yet %s usually does: confirm with your customers' finance teams before ruling out a SOC 1.", serviceNames[s])
			continue
		}
		f.icfrWhy = append(f.icfrWhy, serviceNames[s]+" usually feeds customers' financial records")
	}
	f.icfr = len(f.icfrWhy) > 0
	f.data = yes(a.CustomerData) || yes(a.PersonalData)
	for _, r := range a.Requested {
		k, t, err := ParseRequest(r)
		if err != nil {
			continue // ParseAnswers rejects these; Decide stays total.
		}
		if old, ok := f.requested[k]; !ok || old == "" || t == attest.Type2 {
			f.requested[k] = t
		}
	}
	_, soc2Asked := f.requested[attest.SOC2]
	f.security = yes(a.SecurityReviews) || soc2Asked
	if a.ControlsOperatingMonths != nil {
		f.months = *a.ControlsOperatingMonths
	}
	if a.ReportNeededWithinMonths != nil {
		f.deadline = *a.ReportNeededWithinMonths
	}
}

func (f *facts) decideKinds() {
	_, soc1Asked := f.requested[attest.SOC1]
	_, soc2Asked := f.requested[attest.SOC2]
	_, soc3Asked := f.requested[attest.SOC3]

	// Rule 1: relevance to customers' ICFR, then requests added.
	if f.icfr || soc1Asked {
		r := Report{Kind: attest.SOC1, ObjectiveTemplates: f.templates()}
		if f.icfr {
			r.Reasons = append(r.Reasons, "A SOC 1 reports on controls relevant to customers' internal control over financial reporting: "+strings.Join(f.icfrWhy, "; ")+".")
		}
		if soc1Asked {
			r.Reasons = append(r.Reasons, "Customers asked for a SOC 1.")
			if !f.icfr {
				f.warn("SOC 1 requested, but the service does not look relevant to customers' financial reporting: confirm what the customer needs (a security review is answered by a SOC 2).")
			}
		}
		r.Reasons = append(r.Reasons, "Objectives: the IT general controls baseline"+templateWords(r.ObjectiveTemplates)+"; management writes and may adjust them, and the service auditor judges whether they are reasonable and complete.")
		f.rec.Reports = append(f.rec.Reports, r)
	}

	// Rule 2 and 4: security demand, or customer data without ICFR relevance.
	needSOC2 := f.security || (f.data && !f.icfr) || yes(f.a.PublicTrust) || soc3Asked
	if needSOC2 {
		r := Report{Kind: attest.SOC2}
		if yes(f.a.SecurityReviews) {
			r.Reasons = append(r.Reasons, "Customers or prospects send security questionnaires or vendor reviews: a SOC 2 is the report their security and vendor-risk teams expect.")
		}
		if soc2Asked {
			r.Reasons = append(r.Reasons, "Customers asked for a SOC 2.")
		}
		if f.data && !f.icfr && !f.security {
			r.Reasons = append(r.Reasons, "The service stores, processes or transmits customer data: a SOC 2 reports on the controls that protect it.")
		}
		if (yes(f.a.PublicTrust) || soc3Asked) && !f.security && !(f.data && !f.icfr) {
			r.Reasons = append(r.Reasons, "A SOC 3 rests on the work of a SOC 2 Type 2 examination over the same period.")
		}
		f.categories(&r)
		f.rec.Reports = append(f.rec.Reports, r)
	} else if f.icfr && f.data {
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC2, Reason: "The service holds customer data but no customer has asked about security yet: a SOC 2 is worth considering once security questionnaires or vendor reviews arrive; it does not replace the SOC 1."})
	}
	if f.rec.Report(attest.SOC1) != nil && f.rec.Report(attest.SOC2) != nil {
		msg := "Both a SOC 1 and a SOC 2 are needed: plan one combined examination over the same period, so one round of testing serves both reports."
		for i := range f.rec.Reports {
			f.rec.Reports[i].Reasons = append(f.rec.Reports[i].Reasons, msg)
		}
	}
	if soc2Asked && f.icfr && !soc1Asked {
		f.warn("SOC 2 requested, but the service looks relevant to customers' financial reporting: their auditors will likely ask for a SOC 1; a SOC 2 does not replace it.")
	}
	if soc1Asked && yes(f.a.SecurityReviews) && !soc2Asked {
		f.warn("Customers ask for a SOC 1, but their security reviews are answered by a SOC 2: a SOC 1 does not replace a security review.")
	}

	// SOC 3 for public trust.
	if yes(f.a.PublicTrust) || soc3Asked {
		r := Report{Kind: attest.SOC3, Categories: f.rec.Report(attest.SOC2).Categories}
		if yes(f.a.PublicTrust) {
			r.Reasons = append(r.Reasons, "You want a report you may publish: a SOC 2 is restricted to informed readers and cannot be used for marketing, while a SOC 3 is for general use.")
		}
		if soc3Asked {
			r.Reasons = append(r.Reasons, "A SOC 3 was asked for.")
		}
		r.Reasons = append(r.Reasons, "A SOC 3 comes from the same work as the SOC 2 Type 2 and covers the same period; it has no Type 1 form.")
		f.rec.Reports = append(f.rec.Reports, r)
		f.warn("Describe the SOC 3 as an examination report by a CPA firm, never as a certification, and do not call the organization \"SOC 2 compliant\" or \"certified\".")
	} else if f.rec.Report(attest.SOC2) != nil {
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC3, Reason: "If you want a report you may publish on your website, a SOC 3 can be drawn from the same SOC 2 Type 2 work."})
	}

	if len(f.rec.Reports) == 0 {
		f.warn("No SOC report is indicated: the service does not look relevant to customers' financial reporting and holds no customer data. Revisit this if customers start asking for one.")
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC2, Reason: "If customers later send security questionnaires or entrust the service with their data, a SOC 2 becomes the usual answer."})
	}
}

func (f *facts) templates() []string {
	out := []string{"itgc"}
	for _, s := range f.a.ServiceTypes {
		if t, ok := icfrServices[s]; ok && !containsStr(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func templateWords(ts []string) string {
	if len(ts) <= 1 {
		return ", to which you add business-process objectives that fit your service"
	}
	return " plus business-process objectives for " + strings.ReplaceAll(strings.Join(ts[1:], ", "), "_", " ")
}

// categories fills r's categories and their reasons (rule 5).
func (f *facts) categories(r *Report) {
	a := f.a
	type cat struct {
		name, why string
		on        bool
	}
	conf := yes(a.ConfidentialityCommitments)
	confWhy := "Contracts commit you to keep customers' information confidential."
	if !conf && yes(a.PersonalData) && !yes(a.PrivacyCommitments) {
		conf, confWhy = true, "The service holds personal data and makes no privacy commitments: Confidentiality is the usual category for protecting it."
	}
	cats := []cat{
		{attest.Security, "Security (the common criteria) is part of every SOC 2.", true},
		{attest.Availability, "You commit to uptime or availability in contracts.", yes(a.AvailabilityCommitments)},
		{attest.ProcessingIntegrity, "Customers rely on complete, accurate and timely processing of their transactions.", yes(a.ProcessingIntegrityCommitments)},
		{attest.Confidentiality, confWhy, conf},
		{attest.Privacy, "You make privacy commitments, as a controller to individuals or as a processor to customers.", yes(a.PrivacyCommitments)},
	}
	var out []string
	for _, c := range cats {
		if !c.on {
			continue
		}
		out = append(out, c.name)
		r.Reasons = append(r.Reasons, "Category "+c.name+": "+c.why)
	}
	r.Categories = out
	if yes(a.PersonalData) && !yes(a.PrivacyCommitments) {
		f.warn("Personal data is covered here under Confidentiality; if you make privacy commitments to individuals or to customers, add the Privacy category.")
	}
}

// decideType applies rule 6 to one report.
func (f *facts) decideType(r *Report) {
	if r.Kind == attest.SOC3 {
		soc2 := f.rec.Report(attest.SOC2)
		r.ObservationMonths = soc2.ObservationMonths
		if soc2.Type != nil && *soc2.Type == string(attest.Type1) {
			r.Reasons = append(r.Reasons, fmt.Sprintf("It comes with the first SOC 2 Type 2, not with the SOC 2 Type 1 recommended now: its period of %d months can start once controls are in place.", soc2.ObservationMonths))
		}
		return
	}
	min := f.opts.MinPeriodMonths[r.Kind]
	lag := f.opts.FieldworkLagMonths
	asked := f.requested[r.Kind]
	set := func(t attest.ReportType, months int, why string) {
		s := string(t)
		r.Type, r.ObservationMonths = &s, months
		r.Reasons = append(r.Reasons, why)
	}
	remaining := min - f.months
	switch {
	case f.months >= min:
		months := f.months
		if months > 12 {
			months = 12
		}
		set(attest.Type2, months, fmt.Sprintf("Type 2: controls have operated with evidence for %d months, at least the %d-month minimum for a first %s Type 2, so the period can cover the last %d months; later periods usually run 12 months, back to back.", f.months, min, r.Kind, months))
		if f.deadline >= 0 && f.deadline < lag {
			f.warn("The %s is needed within %d months, but even a period that ends today needs about %d months of fieldwork before the report exists: plan too late is a common mistake; agree dates with the CPA firm now.", r.Kind, f.deadline, lag)
		}
		if asked == attest.Type1 {
			f.warn("Customers asked for a %s Type 1; with %d months of operation a Type 2 is possible and gives them more (operating effectiveness over a period): confirm they accept it.", r.Kind, f.months)
		}
	case (f.deadline >= 0 && f.deadline < remaining+lag) || asked == attest.Type1:
		why := fmt.Sprintf("Type 1 now: a %s Type 2 needs %d more months of operation plus about %d months of fieldwork (%d months in all)", r.Kind, remaining, lag, remaining+lag)
		if f.deadline >= 0 && f.deadline < remaining+lag {
			why += fmt.Sprintf(", but the report is needed within %d months.", f.deadline)
		} else {
			why += ", and customers asked for a Type 1."
		}
		set(attest.Type1, min, why)
		r.Next = &Next{Type: string(attest.Type2), PossibleInMonths: remaining, FirstPeriodMonths: min, ReportInAboutMonths: remaining + lag}
		r.Reasons = append(r.Reasons, fmt.Sprintf("Type 2 next: it becomes possible once controls have operated for %d months (in %d more months); its first period should run %d months, and the report follows about %d months after the period ends.", min, remaining, min, lag))
		if r.Kind == attest.SOC1 {
			f.warn("A SOC 1 Type 1 covers design only, as of a date: customers' auditors cannot rely on it for operating effectiveness, so plan the Type 2 right after it.")
		}
		if asked == attest.Type2 {
			f.warn("Customers asked for a %s Type 2, which cannot exist within %d months: offer a Type 1 now and tell them when the Type 2 will be issued (in about %d months).", r.Kind, f.deadline, remaining+lag)
		}
		if f.deadline >= 0 && f.deadline < lag {
			f.warn("The %s is needed within %d months: even a Type 1 needs fieldwork by the CPA firm; planning too late is a common mistake; engage a firm now.", r.Kind, f.deadline)
		}
	default:
		set(attest.Type2, min, fmt.Sprintf("Type 2: with %d months of operation so far and no deadline that forces an earlier report, start the first %d-month period once controls are in place (in %d months at the latest, counting what has already run) and the report follows about %d months after it ends.", f.months, min, remaining, lag))
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: r.Kind, Type: string(attest.Type1), Reason: fmt.Sprintf("A %s Type 1 as of an earlier date is an optional early milestone, not a required step before the Type 2.", r.Kind)})
	}
}

func (f *facts) finalWarnings() {
	if f.a.ControlsOperatingMonths == nil && len(f.rec.Reports) > 0 {
		f.warn("controls_operating_months was not answered: read as 0 months, which decides the report type.")
	}
	if f.a.ReportNeededWithinMonths != nil && *f.a.ReportNeededWithinMonths == 0 && len(f.rec.Reports) > 0 {
		// Already covered by the per-report planning warnings when they fire.
		for _, w := range f.rec.Warnings {
			if strings.Contains(w, "common mistake") {
				return
			}
		}
		f.warn("A report is needed now (within 0 months): no SOC report can be issued without the CPA firm's fieldwork; planning too late is a common mistake.")
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
