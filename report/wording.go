package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/attest-dev/attest"
	eng "github.com/attest-dev/attest/engagement"
)

// categoriesText names the engagement's trust services categories.
func (in *Input) categoriesText() string {
	var names []string
	for _, c := range in.Engagement.Categories {
		names = append(names, strings.ToLower(c))
	}
	switch len(names) {
	case 0:
		return "security"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func (in *Input) carvedOut() []string {
	var out []string
	for _, v := range in.Description.SubserviceOrgs() {
		if v.Method == "carve-out" {
			out = append(out, v.Name)
		}
	}
	return out
}

func joinAnd(l []string) string {
	if len(l) < 2 {
		return strings.Join(l, "")
	}
	return strings.Join(l[:len(l)-1], ", ") + " and " + l[len(l)-1]
}

// partBlock lays out one description input, or a visible placeholder
// when it is missing.
func partBlock(heading, id string, p Part, missing string) Block {
	b := Block{Heading: heading, ID: id}
	switch {
	case strings.TrimSpace(p.None) != "":
		b.Paras = []string{"None. " + p.None}
	case !p.Given():
		b.Paras = []string{"[Missing: " + missing + "]"}
	default:
		b.Paras = paragraphs(p.Text)
		b.List = p.Items
	}
	return b
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// componentBlocks lays out DC3: the system's components and boundaries.
func componentBlocks(c Components) []Block {
	out := []Block{{Heading: "Components of the system", ID: "dc3", Paras: []string{"The system is made of the infrastructure, software, people, procedures and data described below."}}}
	for _, x := range []struct {
		h string
		p Part
	}{{"Infrastructure", c.Infrastructure}, {"Software", c.Software}, {"People", c.People}, {"Procedures", c.Procedures}, {"Data", c.Data}, {"System boundaries", c.Boundaries}} {
		out = append(out, partBlock(x.h, "dc3-"+strings.ToLower(strings.ReplaceAll(x.h, " ", "-")), x.p, strings.ToLower(x.h)+" (DC3)"))
	}
	return out
}

// boundaries drafts a SOC 3's Section 3: the services, the principal
// service commitments and system requirements, and the system's
// components and boundaries, with the subservice organizations outside
// them. A SOC 3 has no complementary control lists, tests or results.
func boundaries(in *Input) Section {
	d := in.Description
	s := Section{ID: "section-3", Number: "Section 3", Title: "Boundaries of " + in.system() + " and principal service commitments", Whose: "management",
		Note: "Management's description of the system's boundaries and of its principal service commitments and system requirements, drafted from the description inputs recorded in Attest."}
	s.Blocks = append(s.Blocks, partBlock("Services provided", "dc1", d.Services, "the services provided (DC1)"),
		partBlock("Principal service commitments and system requirements", "dc2", d.Commitments, "service commitments and system requirements (DC2)"))
	s.Blocks = append(s.Blocks, componentBlocks(d.Components)...)
	var rows [][]string
	for _, v := range d.SubserviceOrgs() {
		if v.Method == "carve-out" {
			rows = append(rows, []string{v.Name, v.Services})
		}
	}
	if len(rows) > 0 {
		para := "The system relies on the subservice organizations below. They are outside its boundaries, and their controls are not covered by management's assertion."
		if len(rows) == 1 {
			para = "The system relies on the subservice organization below. It is outside the system's boundaries, and its controls are not covered by management's assertion."
		}
		s.Blocks = append(s.Blocks, Block{Heading: "Subservice organizations outside the boundaries", ID: "subservice",
			Paras: []string{para}, Table: &Table{Head: []string{"Subservice organization", "Services"}, Rows: rows}})
	}
	return s
}

// description drafts Section 3 from the description inputs.
func description(in *Input) Section {
	d := in.Description
	s := Section{ID: "section-3", Number: "Section 3", Title: "Description of " + in.system(), Whose: "management",
		Note: "Management's description of the system, drafted from the description inputs recorded in Attest."}
	add := func(b Block) { s.Blocks = append(s.Blocks, b) }
	add(partBlock("Services provided", "dc1", d.Services, "the services provided (DC1)"))
	if in.Kind != attest.SOC1 {
		add(partBlock("Principal service commitments and system requirements", "dc2", d.Commitments, "service commitments and system requirements (DC2)"))
	}
	s.Blocks = append(s.Blocks, componentBlocks(d.Components)...)
	if in.Kind == attest.SOC1 {
		s1 := d.SOC1
		if s1 == nil {
			s1 = &SOC1Description{}
		}
		add(partBlock("Classes of transactions", "soc1-classes", s1.TransactionClasses, "the classes of transactions"))
		add(partBlock("Transaction processing", "soc1-procedures", s1.Procedures, "how transactions are initiated, authorized, recorded, processed, corrected and reported"))
		add(partBlock("Information and accounting records", "soc1-records", s1.Records, "the records and information used"))
		add(partBlock("Significant events and conditions other than transactions", "soc1-events", s1.SignificantEvents, "how such events are captured"))
		add(partBlock("Preparation of reports for customers", "soc1-reports", s1.ReportPreparation, "the report preparation process"))
		add(partBlock("Control environment", "soc1-env", s1.ControlEnvironment, "the control environment"))
		add(partBlock("Risk assessment", "soc1-risk", s1.RiskAssessment, "risk assessment"))
		add(partBlock("Information and communication", "soc1-info", s1.InformationAndComms, "information and communication"))
		add(partBlock("Monitoring", "soc1-monitoring", s1.Monitoring, "monitoring"))
	} else {
		add(incidentsBlock(in))
		add(Block{Heading: "Applicable trust services criteria and related controls", ID: "dc5", Paras: []string{
			fmt.Sprintf("The description covers the trust services criteria for %s. Section 4 lists each criterion with the controls that address it.", in.categoriesText())}})
	}
	add(cuecBlock(in))
	add(partBlock("User entity responsibilities", "responsibilities", d.UserResponsibilities, "user entity responsibilities"))
	s.Blocks[len(s.Blocks)-1].Note = "These are things customers do to benefit from the service. They are not complementary user entity controls."
	s.Blocks = append(s.Blocks, subserviceBlocks(in)...)
	if in.Kind != attest.SOC1 {
		add(notRelevantBlock(in))
	}
	if in.type2() {
		add(changesBlock(in))
	}
	return s
}

// incidentsBlock is DC4: the incidents that resulted from a control
// failure or significantly impaired commitments, during the period (Type
// 2) or up to the description's as-of date (Type 1), never "as of the
// report date".
func incidentsBlock(in *Input) Block {
	d := in.Description.Incidents
	b := Block{Heading: "Incidents", ID: "dc4"}
	when := "During the period " + longDate(in.Engagement.PeriodStart) + " to " + longDate(in.Engagement.PeriodEnd)
	if !in.type2() {
		when = "Up to " + longDate(in.Engagement.AsOf) + ", the date of this description"
	}
	var shown [][]string
	considered := 0
	for _, i := range d.Items {
		if !in.inPeriod(i.Date) {
			continue
		}
		considered++
		if i.Discloses() {
			shown = append(shown, []string{i.Date, i.Summary, nonEmpty(i.Response, "")})
		}
	}
	switch {
	case len(shown) > 0:
		b.Paras = []string{when + ", the following incidents resulted from controls that were not suitably designed or did not operate effectively, or significantly impaired the achievement of service commitments and system requirements:"}
		b.Table = &Table{Head: []string{"Date", "Incident", "Response"}, Rows: shown}
	case d.None != "":
		b.Paras = []string{"None. " + d.None}
	case considered > 0:
		b.Paras = []string{fmt.Sprintf("%s, management considered %s; none resulted from a control failure or significantly impaired the achievement of service commitments and system requirements.", when, attest.Count(considered, "incident", "incidents"))}
	case len(d.Items) > 0:
		b.Paras = []string{when + ", no incident resulted from a control failure or significantly impaired the achievement of service commitments and system requirements."}
	default:
		b.Paras = []string{"[Missing: incidents (DC4)]"}
	}
	return b
}

func cuecBlock(in *Input) Block {
	d := in.Description.CUECs
	b := Block{Heading: "Complementary user entity controls", ID: "dc6"}
	switch {
	case len(d.Items) > 0:
		b.Paras = []string{"Our controls were designed assuming that user entities operate the controls below. Each is needed for the criteria or objectives named beside it."}
		t := &Table{Head: []string{"Complementary user entity control", "Needed for"}}
		for _, u := range d.Items {
			t.Rows = append(t.Rows, []string{u.Text, nonEmpty(strings.Join(u.For, ", "), "[Missing: what it is needed for]")})
		}
		b.Table = t
	case d.None != "":
		b.Paras = []string{"None. " + d.None}
	default:
		b.Paras = []string{"[Missing: complementary user entity controls (DC6), or none with the reason]"}
	}
	return b
}

func subserviceBlocks(in *Input) []Block {
	d := in.Description.Subservice
	orgs := in.Description.SubserviceOrgs()
	head := Block{Heading: "Subservice organizations", ID: "dc7"}
	switch {
	case len(orgs) == 0 && d.None != "":
		head.Paras = []string{"None. " + d.None}
		return []Block{head}
	case len(orgs) == 0 && len(in.Description.ThirdParties) > 0 && !in.Description.unanswered():
		head.Paras = []string{"None. The third parties the system uses provide services whose controls are not needed, together with " + in.org() + "'s controls, to meet the " + in.targetsNoun() + "."}
		return []Block{head}
	case len(orgs) == 0:
		head.Paras = []string{"[Missing: subservice organizations (DC7), or none with the reason]"}
		return []Block{head}
	}
	t := &Table{Head: []string{"Subservice organization", "Services", "Method", "Our monitoring control"}}
	for _, v := range orgs {
		t.Rows = append(t.Rows, []string{v.Name, v.Services, v.Method, nonEmpty(v.Monitoring, "-")})
	}
	head.Table = t
	out := []Block{head}
	for _, v := range orgs {
		if v.Method != "carve-out" || len(v.CSOCs) == 0 {
			continue
		}
		ct := &Table{Head: []string{"Control assumed of " + v.Name, strings.ToUpper(in.targetsNoun()[:1]) + in.targetsNoun()[1:]}}
		for _, c := range v.CSOCs {
			ct.Rows = append(ct.Rows, []string{c.Text, strings.Join(c.For, ", ")})
		}
		out = append(out, Block{Heading: "Complementary subservice organization controls: " + v.Name, Table: ct,
			Paras: []string{fmt.Sprintf("The description carves out %s: its controls are not described or tested here. Our controls were designed assuming it operates the controls below.", v.Name)}})
	}
	return out
}

// notRelevantBlock is DC8: each criterion not relevant to the system with
// its reason, or none. With criteria listed, the "none" answer is not shown.
func notRelevantBlock(in *Input) Block {
	b := Block{Heading: "Criteria not relevant to the system", ID: "dc8"}
	t := &Table{Head: []string{"Criterion", "Why it is not relevant"}}
	seen := map[string]bool{}
	for _, x := range in.Exclusions {
		t.Rows = append(t.Rows, []string{x.CriterionID, x.Reason})
		seen[x.CriterionID] = true
	}
	for _, x := range in.Description.NotRelevant.Items {
		if !seen[x.Criterion] {
			t.Rows = append(t.Rows, []string{x.Criterion, x.Reason})
		}
	}
	switch {
	case len(t.Rows) > 0:
		b.Paras = []string{"The following criteria of the categories in scope are not relevant to the system, for the reasons given:"}
		if len(t.Rows) == 1 {
			b.Paras = []string{"The following criterion of the categories in scope is not relevant to the system, for the reason given:"}
		}
		b.Table = t
	case in.Description.NotRelevant.None != "":
		b.Paras = []string{"None. " + in.Description.NotRelevant.None}
	default:
		b.Paras = []string{"[Missing: criteria not relevant (DC8), or none with the reason]"}
	}
	return b
}

// changesBlock is DC9: the significant changes management recorded, and
// those Attest's ledger shows for its controls during the period (put in
// place, changed, withdrawn or retired, with their dates), drafted for
// management to confirm.
func changesBlock(in *Input) Block {
	d := in.Description.Changes
	b := Block{Heading: "Significant changes during the period", ID: "dc9"}
	t := &Table{Head: []string{"Date", "Change"}}
	for _, c := range d.Items {
		if in.inPeriod(c.Date) {
			t.Rows = append(t.Rows, []string{c.Date, c.Summary})
		}
	}
	recorded := len(t.Rows)
	// An incident that came from a control failure is usually followed by
	// a change to the control or the system: its response, drafted here
	// for management to confirm as a significant change.
	for _, x := range in.Description.Incidents.Items {
		if x.ControlFailure && strings.TrimSpace(x.Response) != "" && in.inPeriod(x.Date) {
			t.Rows = append(t.Rows, []string{x.Date, "After the incident of " + x.Date + " (" + strings.TrimSuffix(strings.TrimSpace(x.Summary), ".") + "): " + strings.TrimSpace(x.Response) + " [to confirm]"})
		}
	}
	for _, ev := range in.controlChanges() {
		t.Rows = append(t.Rows, []string{ev.Date, strings.TrimSpace(ev.Control+" "+in.controlTitle(ev.Control)) + ": " + ev.Detail + " [to confirm]"})
	}
	sort.SliceStable(t.Rows, func(i, j int) bool { return t.Rows[i][0] < t.Rows[j][0] })
	switch {
	case len(t.Rows) > 0:
		b.Table = t
		if len(t.Rows) > recorded {
			b.Note = "Rows marked [to confirm] are drafted from Attest's record of the controls (the ledger's dates) and from the responses to incidents that came from control failures. Management confirms each as a significant change, edits it or removes it, and removes the marks, before the description is final."
		}
	case len(d.Items) > 0:
		b.Paras = []string{"None during the period."}
	case d.None != "":
		b.Paras = []string{"None. " + d.None}
	default:
		b.Paras = []string{"[Missing: significant changes during the period (DC9), or none with the reason]"}
	}
	return b
}

// controlChanges are the changes the ledger records to the controls
// during the period: put in place, changed, withdrawn, retired.
func (in *Input) controlChanges() []eng.ControlEvent {
	e := in.Engagement
	if e.PeriodStart == "" {
		return nil
	}
	var out []eng.ControlEvent
	for _, id := range eng.SortedIDs(in.History) {
		out = append(out, eng.Within(in.History[id], e.PeriodStart, e.PeriodEnd)...)
	}
	slices.SortStableFunc(out, func(a, b eng.ControlEvent) int { return strings.Compare(a.Date, b.Date) })
	return out
}

func (in *Input) controlTitle(id string) string {
	for _, c := range in.Controls {
		if c.ID == id {
			return "(" + c.Title + ")"
		}
	}
	return ""
}

// inPeriod reports whether a dated item falls in the examination's period
// (or, for a Type 1, on or before its date); undated items are kept.
func (in *Input) inPeriod(date string) bool {
	t, err := attest.ParseDate(date)
	if err != nil {
		return true
	}
	e := in.Engagement
	if e.PeriodStart != "" {
		start, _ := attest.ParseDate(e.PeriodStart)
		end, _ := attest.ParseDate(e.PeriodEnd)
		return !t.Before(start) && !t.After(end)
	}
	asOf, err := attest.ParseDate(e.AsOf)
	return err != nil || !t.After(asOf)
}

// unanswered reports whether a third party has not yet been classified.
func (d *Description) unanswered() bool {
	for _, v := range d.ThirdParties {
		if v.ControlsNeeded == nil {
			return true
		}
	}
	return false
}

// targetsNoun is what the controls serve: criteria or control objectives.
func (in *Input) targetsNoun() string {
	if in.Kind == attest.SOC1 {
		return "control objectives"
	}
	return "criteria"
}
