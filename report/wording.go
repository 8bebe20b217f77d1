package report

import (
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
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
	for _, v := range in.Description.Subservice.Items {
		if v.Method == "carve-out" {
			out = append(out, v.Name)
		}
	}
	return out
}

// assertion drafts Section 2: management's assertion, worded for the kind
// and type, filled with the engagement's facts. The wording is Attest's
// own; the service auditor and management agree the final text.
func assertion(in *Input) Section {
	s := Section{ID: "section-2", Number: "Section 2", Title: "Management's assertion", Whose: "management",
		Note: "Management's assertion, drafted by Attest from the engagement's facts for management to review, adapt and sign."}
	org, sys, when := in.org(), in.system(), in.when()
	throughout := "as of " + longDate(in.Engagement.AsOf)
	if in.type2() {
		throughout = "throughout the period " + longDate(in.Engagement.PeriodStart) + " to " + longDate(in.Engagement.PeriodEnd)
	}
	var goal, criteria string
	if in.Kind == attest.SOC1 {
		goal = "the control objectives stated in the description were achieved"
		criteria = "the control objectives stated in Section 4"
	} else {
		goal = fmt.Sprintf("%s's service commitments and system requirements were achieved based on the trust services criteria relevant to %s", org, in.categoriesText())
		criteria = "the applicable trust services criteria"
	}
	complementary := ""
	if len(in.Description.CUECs.Items) > 0 || len(in.carvedOut()) > 0 {
		complementary = ", provided that user entities and the carved-out subservice organizations applied the complementary controls the design of our controls assumes"
	}
	paras := []string{
		fmt.Sprintf("We, the management of %s, have prepared the description of %s in Section 3 (the description) %s. We are responsible for the description, for the design and operation of the controls it presents, and for stating %s.", org, sys, when, criteria),
	}
	if in.Kind == attest.SOC1 {
		paras = append(paras, "The description is meant for our customers (user entities) who used the system and for their auditors, who need it when they consider the risk of material misstatement of user entities' financial statements, together with other information they have, including information about controls at user entities.")
	} else {
		paras = append(paras, fmt.Sprintf("We prepared the description using the SOC 2 description criteria (DC 200). It is meant to help readers with sufficient knowledge of the system understand how %s is designed and run, and to judge whether the controls were designed and operated so that %s.", sys, goal))
	}
	paras = append(paras, "To the best of our knowledge and belief, we confirm that:")
	list := []string{
		fmt.Sprintf("the description fairly presents %s as designed and implemented %s;", sys, throughout),
		fmt.Sprintf("the controls stated in the description were suitably designed %s to provide reasonable assurance that %s, if those controls operated as described%s;", throughout, goal, complementary),
	}
	if in.type2() {
		list = append(list, fmt.Sprintf("the controls stated in the description operated effectively %s to provide reasonable assurance that %s%s.", throughout, goal, complementary))
		list[1] = strings.TrimSuffix(list[1], ";") + "; and"
	} else {
		list[1] = strings.TrimSuffix(list[1], ";") + "."
	}
	if in.Kind == attest.SOC1 {
		list = append(list[:1], append([]string{"the description includes the relevant details of changes to the system during the period and does not leave out or distort information relevant to user entities' internal control over financial reporting;"}, list[1:]...)...)
		if !in.type2() {
			list[1] = "the description does not leave out or distort information relevant to user entities' internal control over financial reporting;"
		}
	}
	s.Blocks = append(s.Blocks, Block{Paras: paras, List: list})
	if v := in.carvedOut(); len(v) > 0 {
		s.Blocks = append(s.Blocks, Block{Paras: []string{fmt.Sprintf("The description uses the carve-out method for %s: it leaves out their controls and lists, in Section 3, the controls we assume they operate. Our own monitoring of them is part of the description.", joinAnd(v))}})
	}
	s.Blocks = append(s.Blocks, Block{Paras: []string{
		"Every system of internal control has inherent limits: people make mistakes, controls can be circumvented by collusion or overridden, and conclusions about the controls do not extend to later periods, when the system or the risks around it may have changed.",
	}}, Block{Heading: "Signature", Paras: []string{signature(in.Description.Signer, org)}})
	return s
}

func signature(sg Signer, org string) string {
	name, title := nonEmpty(sg.Name, "[name]"), nonEmpty(sg.Title, "[title]")
	return fmt.Sprintf("%s, %s, for %s. Signed: ____________________  Date: ____________", name, title, org)
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
	c := d.Components
	add(Block{Heading: "Components of the system", ID: "dc3", Paras: []string{"The system is made of the infrastructure, software, people, procedures and data described below."}})
	for _, x := range []struct {
		h string
		p Part
	}{{"Infrastructure", c.Infrastructure}, {"Software", c.Software}, {"People", c.People}, {"Procedures", c.Procedures}, {"Data", c.Data}, {"System boundaries", c.Boundaries}} {
		add(partBlock(x.h, "dc3-"+strings.ToLower(strings.ReplaceAll(x.h, " ", "-")), x.p, strings.ToLower(x.h)+" (DC3)"))
	}
	if in.Kind == attest.SOC3 {
		return s
	}
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

func incidentsBlock(in *Input) Block {
	d := in.Description.Incidents
	b := Block{Heading: "Incidents", ID: "dc4"}
	var shown [][]string
	for _, i := range d.Items {
		if i.Discloses() && in.inPeriod(i.Date) {
			shown = append(shown, []string{i.Date, i.Summary, nonEmpty(i.Response, "")})
		}
	}
	switch {
	case len(shown) > 0:
		b.Paras = []string{"The following incidents resulted from controls that were not suitably designed or did not operate effectively, or significantly impaired the achievement of service commitments and system requirements:"}
		b.Table = &Table{Head: []string{"Date", "Incident", "Response"}, Rows: shown}
	case d.None != "":
		b.Paras = []string{"None. " + d.None}
	case len(d.Items) > 0:
		b.Paras = []string{fmt.Sprintf("Management considered %d incident(s); none resulted from a control failure or significantly impaired the achievement of service commitments and system requirements.", len(d.Items))}
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
	head := Block{Heading: "Subservice organizations", ID: "dc7"}
	switch {
	case d.None != "":
		head.Paras = []string{"None. " + d.None}
		return []Block{head}
	case len(d.Items) == 0:
		head.Paras = []string{"[Missing: subservice organizations (DC7), or none with the reason]"}
		return []Block{head}
	}
	t := &Table{Head: []string{"Subservice organization", "Services", "Method", "Our monitoring control"}}
	for _, v := range d.Items {
		t.Rows = append(t.Rows, []string{v.Name, v.Services, v.Method, nonEmpty(v.Monitoring, "-")})
	}
	head.Table = t
	out := []Block{head}
	for _, v := range d.Items {
		if v.Method != "carve-out" || len(v.CSOCs) == 0 {
			continue
		}
		ct := &Table{Head: []string{"Control assumed of " + v.Name, "Criteria or objectives"}}
		for _, c := range v.CSOCs {
			ct.Rows = append(ct.Rows, []string{c.Text, strings.Join(c.For, ", ")})
		}
		out = append(out, Block{Heading: "Complementary subservice organization controls: " + v.Name, Table: ct,
			Paras: []string{fmt.Sprintf("The description carves out %s: its controls are not described or tested here. Our controls were designed assuming it operates the controls below.", v.Name)}})
	}
	return out
}

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
		b.Table = t
	case in.Description.NotRelevant.None != "":
		b.Paras = []string{"None. " + in.Description.NotRelevant.None}
	default:
		b.Paras = []string{"[Missing: criteria not relevant (DC8), or none with the reason]"}
	}
	return b
}

func changesBlock(in *Input) Block {
	d := in.Description.Changes
	b := Block{Heading: "Significant changes during the period", ID: "dc9"}
	switch {
	case len(d.Items) > 0:
		t := &Table{Head: []string{"Date", "Change"}}
		for _, c := range d.Items {
			if in.inPeriod(c.Date) {
				t.Rows = append(t.Rows, []string{c.Date, c.Summary})
			}
		}
		b.Table = t
		if len(t.Rows) == 0 {
			b.Table, b.Paras = nil, []string{"None during the period."}
		}
	case d.None != "":
		b.Paras = []string{"None. " + d.None}
	default:
		b.Paras = []string{"[Missing: significant changes during the period (DC9), or none with the reason]"}
	}
	return b
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
