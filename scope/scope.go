package scope

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/attest-dev/attest"
)

// Options are the firm-profile defaults the rules use; a user may change them.
type Options struct {
	// MinPeriodMonths is the minimum first Type 2 period per kind.
	MinPeriodMonths map[attest.Kind]int
	// FieldworkLagMonths is the time from a period's end to the report.
	FieldworkLagMonths int
	// ReadinessMonths is the typical time, lowest and highest, to design
	// and put controls in place before a first period, by the
	// controls_in_place answer ("partly", "no").
	ReadinessMonths map[string][2]int
	// BridgeLetterMonths is the longest gap a bridge letter usually covers.
	BridgeLetterMonths int
	// Today is the day the advice is given, read from the clock by the
	// caller. With it the advice names dates; without it, months from now.
	Today time.Time
}

// SetLag sets the months from a period's end to the report: 0 to 24.
func (o *Options) SetLag(months int) error {
	if months < 0 || months > 24 {
		return attest.Errorf(attest.EINVALID, "fieldwork lag %d: want 0 to 24 months", months)
	}
	o.FieldworkLagMonths = months
	return nil
}

// SetMinPeriod sets the minimum first Type 2 period of a kind: SOC 1 or
// SOC 2 (a SOC 3 follows its SOC 2), 1 to 24 months. given is how the
// setting was written, for the refusal.
func (o *Options) SetMinPeriod(kind, months, given string) error {
	k, err := attest.ParseKind(kind)
	if err != nil || k == attest.SOC3 {
		return attest.Errorf(attest.EINVALID, "minimum period %q: kind must be SOC 1 or SOC 2", given)
	}
	n, err := strconv.Atoi(strings.TrimSpace(months))
	if err != nil || n < 1 || n > 24 {
		return attest.Errorf(attest.EINVALID, "minimum period %q: want 1 to 24 months", given)
	}
	o.MinPeriodMonths[k] = n
	return nil
}

// DefaultOptions returns the defaults of DOMAIN.md sections 2 and 3: SOC 2
// three months, SOC 1 six months, two months of fieldwork, bridge letters
// up to three months, and readiness of one to three months when controls
// are partly in place, three to six when they are not.
func DefaultOptions() Options {
	return Options{
		MinPeriodMonths:    map[attest.Kind]int{attest.SOC1: 6, attest.SOC2: 3},
		FieldworkLagMonths: 2,
		ReadinessMonths:    map[string][2]int{InPlacePartly: {1, 3}, InPlaceNo: {3, 6}},
		BridgeLetterMonths: 3,
	}
}

// Report is one recommended report. Dates are YYYY-MM-DD and present only
// when the advice knows today's date.
type Report struct {
	Kind               attest.Kind `json:"kind"`
	Type               *string     `json:"type"`
	Categories         []string    `json:"categories"`
	ObjectiveTemplates []string    `json:"objective_templates"`
	ObservationMonths  int         `json:"observation_months"`
	PeriodStart        string      `json:"period_start,omitempty"`
	PeriodEnd          string      `json:"period_end,omitempty"`
	AsOf               string      `json:"as_of,omitempty"`
	// FiscalFit says how a SOC 1 period serves customers' fiscal years.
	FiscalFit *FiscalFit `json:"fiscal_year_fit,omitempty"`
	Reasons   []string   `json:"reasons"`
	// Next is the Type 2 that follows a Type 1 recommended now.
	Next *Next `json:"next,omitempty"`
}

// Next says when a Type 2 becomes possible after a Type 1.
type Next struct {
	Type                string `json:"type"`
	PossibleInMonths    int    `json:"possible_in_months"`
	FirstPeriodMonths   int    `json:"first_period_months"`
	ReportInAboutMonths int    `json:"report_in_about_months"`
	PeriodStart         string `json:"period_start,omitempty"`
	PeriodEnd           string `json:"period_end,omitempty"`
}

// Considered is a report, or an option such as a SOC 2+, worth considering
// but not needed now.
type Considered struct {
	Kind   attest.Kind `json:"kind"`
	Type   string      `json:"type,omitempty"`
	Option string      `json:"option,omitempty"`
	Reason string      `json:"reason"`
}

// Readiness is the typical time to put controls in place before a first
// period: a range, not a promise.
type Readiness struct {
	ControlsInPlace string `json:"controls_in_place"`
	MinMonths       int    `json:"min_months"`
	MaxMonths       int    `json:"max_months"`
}

// Recommendation is the whole answer.
type Recommendation struct {
	Reports    []Report     `json:"reports"`
	Considered []Considered `json:"considered"`
	Warnings   []string     `json:"warnings"`
	Readiness  *Readiness   `json:"readiness,omitempty"`
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

// Summary is the report in one line, as a person reads it: "SOC 2 Type 2:
// Security, Availability; period 2026-03-01 to 2026-10-31 (8 months)".
func (r *Report) Summary() string {
	head := string(r.Kind)
	if r.Type != nil {
		head += " " + *r.Type
	}
	if r.Kind == attest.SOC1 {
		head += ": objectives " + strings.Join(r.ObjectiveTemplates, ", ")
	} else {
		head += ": " + strings.Join(r.Categories, ", ")
	}
	switch {
	case r.Type == nil || *r.Type == string(attest.Type2):
		head += "; period "
		if r.PeriodStart != "" {
			head += r.PeriodStart + " to " + r.PeriodEnd + " (" + months(r.ObservationMonths) + ")"
		} else {
			head += months(r.ObservationMonths)
		}
	case r.Next != nil:
		if r.AsOf != "" {
			head += "; as of " + r.AsOf
		}
		head += fmt.Sprintf("; Type 2 possible in %s, first period %s", months(r.Next.PossibleInMonths), months(r.Next.FirstPeriodMonths))
	}
	return head
}

type facts struct {
	a        *Answers
	icfr     bool
	icfrWhy  []string
	security bool
	data     bool // the service holds customer data
	hosts    bool // customers' own systems run in the service's facilities
	system   bool // the organization runs a system that serves customers
	// requested holds the kinds customers asked for ("" = no type named);
	// explicit those asked for by name, not through a topic.
	requested map[attest.Kind]attest.ReportType
	explicit  map[attest.Kind]bool
	soc2Why   []string // reasons from requests such as "security"
	yearEnds  []string // customers' fiscal year-ends, "MM-DD"
	months    int      // months of operation that can count toward a period
	readyHi   int      // months of readiness assumed before a first period
	deadline  int      // -1: none
	starts    map[attest.Kind]int
	cal       calendar
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
// changes the outcome, and requests it cannot read are named.
func Decide(a *Answers, opts Options) *Recommendation {
	def := DefaultOptions()
	if opts.MinPeriodMonths == nil {
		opts.MinPeriodMonths = def.MinPeriodMonths
	}
	if opts.ReadinessMonths == nil {
		opts.ReadinessMonths = def.ReadinessMonths
	}
	if opts.BridgeLetterMonths <= 0 {
		opts.BridgeLetterMonths = def.BridgeLetterMonths
	}
	f := &facts{a: a, opts: opts, requested: map[attest.Kind]attest.ReportType{}, explicit: map[attest.Kind]bool{},
		starts: map[attest.Kind]int{}, deadline: -1, cal: newCalendar(opts.Today)}
	f.rec.Reports, f.rec.Considered, f.rec.Warnings = []Report{}, []Considered{}, []string{}
	f.read()
	f.readYearEnds()
	f.readRequests()
	f.readControls()
	f.decideKinds()
	f.plan()
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
		f.hosts = f.hosts || s == "hosting"
		f.system = f.system || s != "other"
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
	if a.ReportNeededWithinMonths != nil {
		f.deadline = *a.ReportNeededWithinMonths
	}
}

// readControls reads whether controls are in place and for how long they
// have operated; months count toward a period only when all are in place.
func (f *facts) readControls() {
	a := f.a
	if a.ControlsOperatingMonths != nil {
		f.months = *a.ControlsOperatingMonths
	}
	r, ok := f.opts.ReadinessMonths[a.ControlsInPlace]
	if a.ControlsInPlace == InPlaceYes || a.ControlsInPlace == "" || !ok {
		return
	}
	f.rec.Readiness = &Readiness{ControlsInPlace: a.ControlsInPlace, MinMonths: r[0], MaxMonths: r[1]}
	f.readyHi = r[1]
	if f.months > 0 {
		state := "are only partly in place"
		if a.ControlsInPlace == InPlaceNo {
			state = "are not in place"
		}
		f.warn("You answered that controls %s: the %s of operation so far cannot serve as a Type 2 period, because every control in the description must operate throughout it; the first period starts once all of them are in place.", state, months(f.months))
		f.months = 0
	}
}

func (f *facts) decideKinds() {
	_, soc1Asked := f.requested[attest.SOC1]
	_, soc2Asked := f.requested[attest.SOC2]
	_, soc3Asked := f.requested[attest.SOC3]
	f.security = yes(f.a.SecurityReviews) || soc2Asked
	f.system = f.system || f.icfr || f.data || f.security || len(f.requested) > 0
	if f.icfr || soc1Asked {
		f.soc1(soc1Asked)
	}
	if f.hosts && !f.icfr {
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC1, Reason: "Customers' financial-statement auditors often rely on a hosting or colocation provider's physical and environmental safeguards: if they ask for a SOC 1, the hosting template holds its objectives."})
	}
	publish := yes(f.a.PublicTrust) && f.system
	if f.security || ((f.data || f.hosts) && !f.icfr) || publish || soc3Asked {
		f.soc2(publish || soc3Asked)
	} else if f.icfr && (f.data || f.hosts) {
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC2, Reason: "The service holds customer data or runs customers' systems, but no customer has asked about security yet: a SOC 2 is worth considering once security questionnaires or vendor reviews arrive; it does not replace the SOC 1."})
	}
	if soc2Asked && f.icfr && !soc1Asked {
		f.warn("SOC 2 requested, but the service looks relevant to customers' financial reporting: their auditors will likely ask for a SOC 1; a SOC 2 does not replace it.")
	}
	if soc1Asked && yes(f.a.SecurityReviews) && !soc2Asked {
		f.warn("Customers ask for a SOC 1, but their security reviews are answered by a SOC 2: a SOC 1 does not replace a security review.")
	}
	if publish || soc3Asked {
		f.soc3(soc3Asked)
	} else if f.rec.Report(attest.SOC2) != nil {
		f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC3, Reason: "If you want a report you may publish on your website, a SOC 3 can be drawn from the same SOC 2 Type 2 work."})
	}
	if len(f.rec.Reports) == 0 {
		f.none()
	}
}

// soc1 recommends a SOC 1 (rule 1, then the request added).
func (f *facts) soc1(asked bool) {
	r := Report{Kind: attest.SOC1, ObjectiveTemplates: f.templates()}
	if f.icfr {
		r.Reasons = append(r.Reasons, "A SOC 1 reports on controls relevant to customers' internal control over financial reporting: "+strings.Join(f.icfrWhy, "; ")+".")
	}
	if asked {
		r.Reasons = append(r.Reasons, "Customers asked for a SOC 1.")
		if !f.icfr {
			f.warn("SOC 1 requested, but the service does not look relevant to customers' financial reporting: confirm what the customer needs (a security review is answered by a SOC 2).")
		}
	}
	r.Reasons = append(r.Reasons, "Objectives: "+templateWords(r.ObjectiveTemplates)+"; management writes and may adjust them, and the service auditor judges whether they are reasonable and complete.")
	f.rec.Reports = append(f.rec.Reports, r)
}

// soc2 recommends a SOC 2 (rules 2 and 4) with its categories (rule 5).
func (f *facts) soc2(forSOC3 bool) {
	r := Report{Kind: attest.SOC2}
	if yes(f.a.SecurityReviews) {
		r.Reasons = append(r.Reasons, "Customers or prospects send security questionnaires or vendor reviews: a SOC 2 is the report their security and vendor-risk teams expect.")
	}
	if f.explicit[attest.SOC2] {
		r.Reasons = append(r.Reasons, "Customers asked for a SOC 2.")
	}
	r.Reasons = append(r.Reasons, f.soc2Why...)
	if f.data && !f.icfr && !f.security {
		r.Reasons = append(r.Reasons, "The service stores, processes or transmits customer data: a SOC 2 reports on the controls that protect it.")
	}
	if f.hosts && !f.security {
		r.Reasons = append(r.Reasons, "Customers' own systems run in your facilities: a SOC 2 reports on the controls that protect them and keep them running.")
	}
	if forSOC3 && !f.security && !((f.data || f.hosts) && !f.icfr) {
		r.Reasons = append(r.Reasons, "A SOC 3 rests on the work of a SOC 2 Type 2 examination over the same period.")
	}
	f.categories(&r)
	f.rec.Reports = append(f.rec.Reports, r)
}

// soc3 recommends a SOC 3 for public trust.
func (f *facts) soc3(asked bool) {
	r := Report{Kind: attest.SOC3, Categories: f.rec.Report(attest.SOC2).Categories}
	if yes(f.a.PublicTrust) {
		r.Reasons = append(r.Reasons, "You want a report you may publish: a SOC 2 is restricted to informed readers and cannot be used for marketing, while a SOC 3 is for general use.")
	}
	if asked {
		r.Reasons = append(r.Reasons, "A SOC 3 was asked for.")
	}
	r.Reasons = append(r.Reasons, "A SOC 3 comes from the same work as the SOC 2 Type 2 and covers the same period; it has no Type 1 form.")
	f.rec.Reports = append(f.rec.Reports, r)
	f.warn("Describe the SOC 3 as an examination report by a CPA firm, never as a certification, and do not call the organization \"SOC 2 compliant\" or \"certified\".")
}

// none explains why no report is indicated (rule 4).
func (f *facts) none() {
	if yes(f.a.PublicTrust) {
		f.warn("You want a report you may publish, but no system that serves customers was described: a SOC 3 reports on such a system and rests on a SOC 2 Type 2 of it, so there is nothing for one to cover yet.")
	}
	f.warn("No SOC report is indicated: the service does not look relevant to customers' financial reporting, holds no customer data and runs no system customers depend on. Revisit this if customers start asking for one.")
	f.rec.Considered = append(f.rec.Considered, Considered{Kind: attest.SOC2, Reason: "If customers later send security questionnaires or entrust the service with their data, a SOC 2 becomes the usual answer."})
}

// templates picks the SOC 1 objective templates: the IT general controls
// baseline (unless the service is only hosting, whose template carries its
// own), one per business process, and hosting.
func (f *facts) templates() []string {
	var out []string
	onlyHosting := f.hosts
	for _, s := range f.a.ServiceTypes {
		onlyHosting = onlyHosting && (s == "hosting" || s == "other")
	}
	if !onlyHosting {
		out = append(out, "itgc")
	}
	for _, s := range f.a.ServiceTypes {
		if t, ok := icfrServices[s]; ok && !containsStr(out, t) {
			out = append(out, t)
		}
	}
	if f.hosts {
		out = append(out, "hosting")
	}
	return out
}

func templateWords(ts []string) string {
	var parts, business []string
	for _, t := range ts {
		switch t {
		case "itgc":
			parts = append(parts, "the IT general controls baseline")
		case "hosting":
			parts = append(parts, "the hosting and colocation objectives (physical access, environmental safeguards and monitoring, and the IT general controls of the systems that run the facility)")
		default:
			business = append(business, strings.ReplaceAll(t, "_", " "))
		}
	}
	if len(business) > 0 {
		parts = append(parts, "business-process objectives for "+strings.Join(business, ", "))
	}
	s := strings.Join(parts, " plus ")
	if len(ts) == 1 && ts[0] == "itgc" {
		s += ", to which you add business-process objectives that fit your service"
	}
	return s
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

func (f *facts) finalWarnings() {
	if len(f.rec.Reports) == 0 {
		return
	}
	if f.a.ControlsOperatingMonths == nil {
		f.warn("controls_operating_months was not answered: read as 0 months, which decides the report type.")
	}
	if f.a.ControlsInPlace == "" && f.months == 0 {
		r := f.opts.ReadinessMonths[InPlaceNo]
		f.warn("controls_in_place was not answered: no time for readiness and remediation was added before the first period; if controls are not yet designed and in place, that typically takes %d to %s more.", r[0], months(r[1]))
	}
	if f.rec.Report(attest.SOC1) != nil && len(f.yearEnds) == 0 {
		f.warn("customer_fiscal_year_ends was not answered: the SOC 1 period was not chosen for customers' fiscal years. Most user entities close on December 31; a period that ends at their year-end, or up to about %s before it with a bridge letter for the gap, serves their auditors.", months(f.opts.BridgeLetterMonths))
	}
	if f.a.ReportNeededWithinMonths != nil && *f.a.ReportNeededWithinMonths == 0 {
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
