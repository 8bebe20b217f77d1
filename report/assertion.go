package report

import (
	"fmt"
	"strings"

	"github.com/attest-dev/attest"
)

// The criteria an assertion names (DOMAIN.md section 7), cited by their
// sections and titles.
const (
	descriptionCriteria = "DC section 200, 2018 Description Criteria for a Description of a Service Organization's System in a SOC 2 Report, with the implementation guidance revised in 2022"
	trustCriteria       = "TSP section 100, 2017 Trust Services Criteria for Security, Availability, Processing Integrity, Confidentiality, and Privacy, with the points of focus revised in 2022"
)

// assertion drafts Section 2: management's assertion in the form for the
// report's kind and type, naming the criteria it is made against, filled
// with the engagement's facts. The wording is Attest's own; management and
// the service auditor agree the final text.
func assertion(in *Input) Section {
	s := Section{ID: "section-2", Number: "Section 2", Title: "Management's assertion", Whose: "management",
		Note: "Management's assertion, drafted by Attest from the engagement's facts for management to review, adapt and sign."}
	switch in.Kind {
	case attest.SOC1:
		s.Blocks = soc1Assertion(in)
	case attest.SOC3:
		s.Blocks = soc3Assertion(in)
	default:
		s.Blocks = soc2Assertion(in)
	}
	if b, ok := mattersBlock(in); ok {
		s.Blocks = append(s.Blocks, b)
	}
	s.Blocks = append(s.Blocks, signatureBlock(in.org(), []Signer{in.Description.Signer}))
	return s
}

// span is the assertion's time: "throughout the period ... to ..." or
// "as of ...".
func (in *Input) span() string {
	if in.type2() {
		return "throughout the period " + longDate(in.Engagement.PeriodStart) + " to " + longDate(in.Engagement.PeriodEnd)
	}
	return "as of " + longDate(in.Engagement.AsOf)
}

// complementary names who operates the complementary controls the design
// of the controls assumes, or "" when it assumes none.
func (in *Input) complementary() string {
	var who []string
	switch n := len(in.carvedOut()); {
	case n == 1:
		who = append(who, "the subservice organization")
	case n > 1:
		who = append(who, "the subservice organizations")
	}
	if len(in.Description.CUECs.Items) > 0 {
		who = append(who, "user entities")
	}
	return joinAnd(who)
}

// ifDesigned and ifOperated are the conditions the complementary controls
// put on the design and the operating statements.
func (in *Input) ifDesigned() string {
	if who := in.complementary(); who != "" {
		return ", and if " + who + " applied the complementary controls assumed in the design of our controls"
	}
	return ""
}

// ifApplied is the condition on a statement that has no other.
func (in *Input) ifApplied() string {
	if who := in.complementary(); who != "" {
		return ", if " + who + " applied the complementary controls assumed in the design of our controls"
	}
	return ""
}

func (in *Input) ifOperated() string {
	if who := in.complementary(); who != "" {
		return ", if the complementary controls assumed in the design of our controls were also operated effectively by " + who
	}
	return ""
}

func soc2Assertion(in *Input) []Block {
	org, sys, span := in.org(), in.system(), in.span()
	designed := "designed"
	if in.type2() {
		designed = "designed and operated"
	}
	paras := []string{
		fmt.Sprintf("We, the management of %s, have prepared the description of %s in Section 3 (the description) %s, using the criteria for a description of a service organization's system in %s (the description criteria).", org, sys, in.when(), descriptionCriteria),
		fmt.Sprintf("The description is intended for those who understand %s well enough to use it: customers and prospective customers, their auditors and advisers, business partners, regulators, and others who need to understand the system, the risks that come with interacting with it, and how its controls were %s to meet %s's service commitments and system requirements based on the trust services criteria relevant to %s in %s (the applicable trust services criteria).", sys, designed, org, in.categoriesText(), trustCriteria),
	}
	paras = append(paras, in.complementaryParas("some of the applicable trust services criteria can be met")...)
	paras = append(paras, "To the best of our knowledge and belief, we confirm that:")
	goal := org + "'s service commitments and system requirements"
	list := []string{
		fmt.Sprintf("the description presents %s as it was designed and implemented %s, in line with the description criteria;", sys, span),
		fmt.Sprintf("the controls stated in the description were suitably designed %s to provide reasonable assurance that %s would be achieved based on the applicable trust services criteria if the controls operated effectively%s.", span, goal, in.ifDesigned()),
	}
	if in.type2() {
		list[1] = strings.TrimSuffix(list[1], ".") + "; and"
		list = append(list, fmt.Sprintf("the controls stated in the description operated effectively %s to provide reasonable assurance that %s were achieved based on the applicable trust services criteria%s.", span, goal, in.ifOperated()))
	}
	return []Block{{Paras: paras, List: list}, in.limitsBlock("that the service commitments and system requirements are achieved")}
}

func soc1Assertion(in *Input) []Block {
	org, sys, span := in.org(), in.system(), in.span()
	users := "user entities of the system during some or all of that period"
	if !in.type2() {
		users = "user entities of the system as of that date"
	}
	paras := []string{
		fmt.Sprintf("We, the management of %s, have prepared the description of %s in Section 3 (the description) for processing user entities' transactions %s. It is intended for %s and for their auditors who audit and report on user entities' financial statements or internal control over financial reporting, and who understand the system well enough to consider it, with other information including information about controls that user entities operate themselves, when they assess the risks of material misstatement of user entities' financial statements.", org, sys, span, users),
	}
	paras = append(paras, in.complementaryParas("some of the control objectives stated in the description can be achieved")...)
	paras = append(paras, "To the best of our knowledge and belief, we confirm that:")
	list := []string{
		fmt.Sprintf("the description fairly presents %s as made available to user entities for processing their transactions %s, based on the criteria for the description set out below; and", sys, span),
	}
	if in.type2() {
		list = append(list, fmt.Sprintf("the controls related to the control objectives stated in the description were suitably designed and operated effectively %s to achieve those control objectives%s, based on the criteria for the controls set out below.", span, in.ifApplied()))
	} else {
		list = append(list, fmt.Sprintf("the controls related to the control objectives stated in the description were suitably designed %s to provide reasonable assurance that those control objectives would be achieved if the controls operated effectively%s, based on the criteria for the controls set out below.", span, in.ifDesigned()))
	}
	return []Block{{Paras: paras, List: list}, soc1DescriptionCriteria(in), soc1ControlCriteria(in), in.limitsBlock("that the control objectives are achieved")}
}

// soc1DescriptionCriteria and soc1ControlCriteria restate, in our words,
// the criteria AT-C section 320 sets for a SOC 1 assertion.
func soc1DescriptionCriteria(in *Input) Block {
	list := []string{
		"sets out how the system was designed and implemented to process the transactions that matter to user entities: the services and the classes of transactions processed; the automated and manual procedures by which transactions are initiated, authorized, recorded, processed, corrected as needed and carried into the reports user entities receive; the accounting records and other information used; how the system captures significant events and conditions other than transactions; how reports and other information for user entities are prepared; the services subservice organizations perform; the control objectives and the controls meant to achieve them, including the complementary user entity controls; and the control environment, risk assessment, information and communication, control activities and monitoring relevant to the services;",
	}
	if in.type2() {
		list = append(list, "includes the relevant details of changes to the system during the period; and")
	} else {
		list[0] += " and"
	}
	list = append(list, "does not leave out or distort information relevant to the system, bearing in mind that it is prepared for the common needs of a broad range of user entities and their auditors and so may not cover every aspect of the system that each of them may consider important.")
	return Block{Heading: "Criteria for the description (AT-C section 320)", ID: "assertion-description-criteria",
		Paras: []string{"The criteria we used for the description are that it:"}, List: list}
}

func soc1ControlCriteria(in *Input) Block {
	list := []string{
		"the risks that threaten the achievement of the control objectives stated in the description have been identified by management;",
		"the controls stated in the description would, if operated as described, provide reasonable assurance that those risks do not prevent the control objectives from being achieved.",
	}
	if !in.type2() {
		list[0] += " and"
	} else {
		list[1] = strings.TrimSuffix(list[1], ".") + "; and"
		list = append(list, "the controls were applied consistently as designed throughout the period, manual controls by people with the competence and authority they need.")
	}
	return Block{Heading: "Criteria for the controls (AT-C section 320)", ID: "assertion-control-criteria",
		Paras: []string{"The criteria we used for the design" + map[bool]string{true: " and operation", false: ""}[in.type2()] + " of the controls are that:"}, List: list}
}

// soc3Assertion is the SOC 3's own, shorter assertion: for general use,
// about the controls within the system and the boundaries Section 3
// describes.
func soc3Assertion(in *Input) []Block {
	org, sys, span := in.org(), in.system(), in.span()
	goal := org + "'s service commitments and system requirements"
	paras := []string{
		fmt.Sprintf("We, the management of %s, are responsible for designing, implementing, operating and maintaining effective controls within %s (the system) %s to provide reasonable assurance that %s were achieved based on the trust services criteria relevant to %s in %s (the applicable trust services criteria).", org, sys, span, goal, in.categoriesText(), trustCriteria),
		"Section 3 describes the boundaries of the system, which set out what this assertion covers, and our principal service commitments and system requirements.",
	}
	if v := in.carvedOut(); len(v) == 1 {
		paras = append(paras, fmt.Sprintf("The boundaries of the system leave out %s, a subservice organization we use: this assertion does not cover its controls, and the design of our controls assumes it operates certain controls of its own.", v[0]))
	} else if len(v) > 1 {
		paras = append(paras, fmt.Sprintf("The boundaries of the system leave out %s, subservice organizations we use: this assertion does not cover their controls, and the design of our controls assumes they operate certain controls of their own.", joinAnd(v)))
	}
	if len(in.Description.CUECs.Items) > 0 {
		paras = append(paras, "Some of the applicable trust services criteria can be met only if user entities also operate certain controls that the design of our controls assumes.")
	}
	paras = append(paras,
		fmt.Sprintf("We have evaluated whether the controls within the system were effective %s to provide reasonable assurance that %s were achieved based on the applicable trust services criteria.", span, goal),
		fmt.Sprintf("Based on that evaluation, we assert that the controls within the system were effective %s to provide reasonable assurance that %s were achieved based on the applicable trust services criteria%s.", span, goal, in.ifOperated()))
	return []Block{{Paras: paras}, in.limitsBlock("that the service commitments and system requirements are achieved")}
}

// complementaryParas say what the description leaves to subservice
// organizations (carve-out) and to user entities; needs completes "only
// if user entities ...".
func (in *Input) complementaryParas(needs string) []string {
	var out []string
	var vendors []string
	csocs := false
	for _, v := range in.Description.SubserviceOrgs() {
		if v.Method == "carve-out" {
			vendors = append(vendors, strings.TrimSpace(v.Name+" ("+strings.ToLower(v.Services)+")"))
			csocs = csocs || len(v.CSOCs) > 0
		}
	}
	if len(vendors) > 0 {
		use := "a subservice organization, " + vendors[0] + ". The description leaves out its controls (the carve-out method) and does not extend to them."
		if len(vendors) > 1 {
			use = "subservice organizations: " + joinAnd(vendors) + ". The description leaves out their controls (the carve-out method) and does not extend to them."
		}
		listed := ""
		if csocs {
			listed = " Section 3 lists the complementary subservice organization controls that the design of our controls assumes."
		}
		out = append(out, "We use "+use+listed)
	}
	if len(in.Description.CUECs.Items) > 0 {
		out = append(out, "The description also lists the complementary user entity controls: "+needs+" only if user entities operate the controls that the design of our controls assumes. The description does not extend to controls at user entities.")
	}
	return out
}

func (in *Input) limitsBlock(goal string) Block {
	later := "later periods"
	if !in.type2() {
		later = "later dates"
	}
	return Block{Paras: []string{
		"Every system of internal control has inherent limits: people make mistakes, and controls can be circumvented by collusion or overridden by management. Controls can therefore give reasonable, not absolute, assurance " + goal + ". Conclusions about the controls do not extend to " + later + ", when the system, the risks around it or the way controls are applied may have changed.",
	}}
}

// mattersBlock is a marked placeholder listing what management knows that
// may bear on its assertion: the auditor's exceptions, deviations it knows
// of, disclosed incidents and criteria with no control in place. It is
// there only when there is something to list.
func mattersBlock(in *Input) (Block, bool) {
	ms := in.assertionMatters()
	if len(ms) == 0 {
		return Block{}, false
	}
	paras := []string{"[Management knows of the matters below. They may call for a modified assertion. Whether and how the assertion is modified follows the matters that management and the service auditor identify and agree, not this list.]"}
	if n := undisclosed(in.Known); n > 0 {
		paras = append(paras, fmt.Sprintf("[%s in the register %s not yet disclosed to the service auditor: disclose %s and record it.]", attest.Count(n, "known deviation", "known deviations"), map[bool]string{true: "is", false: "are"}[n == 1], map[bool]string{true: "it", false: "them"}[n == 1]))
	}
	return Block{Heading: "Matters to discuss with the service auditor", ID: "assertion-matters",
		Paras: paras,
		List:  summarize(ms),
		Note:  "Placeholder for management, not part of the assertion: remove it before signing."}, true
}

// undisclosed counts the register's deviations not yet disclosed.
func undisclosed(ms []Matter) int {
	n := 0
	for _, m := range ms {
		if m.ID != "" && m.Disclosure == nil {
			n++
		}
	}
	return n
}

func (in *Input) assertionMatters() []Matter {
	var ms []Matter
	ms = append(ms, in.notInPlace()...)
	ms = append(ms, Exceptions(in.Tests, in.auditors(), nil)...)
	registered := map[[2]string]bool{}
	for _, m := range in.Known {
		if m.Kind == MatterIncident {
			registered[[2]string{m.Date, m.Text}] = true
		}
	}
	for _, i := range in.Description.Incidents.Items {
		if i.Discloses() && in.inPeriod(i.Date) && !registered[[2]string{i.Date, i.Summary}] {
			ms = append(ms, Matter{Kind: MatterIncident, Date: i.Date, Text: i.Summary})
		}
	}
	known := append([]Matter(nil), in.Known...)
	sortMatters(known)
	return append(ms, known...)
}

// notInPlace lists the criteria or objectives in scope that no
// implemented control addresses.
func (in *Input) notInPlace() []Matter {
	noun := "criterion"
	if in.Kind == attest.SOC1 {
		noun = "control objective"
	}
	var out []Matter
	for _, tg := range in.targets() {
		if tg.Excluded != "" {
			continue
		}
		var pending []string
		implemented := false
		for _, c := range in.inScope() {
			if mapsTo(c, tg.ID) {
				implemented = implemented || c.Status == attest.Implemented
				pending = append(pending, c.ID+" is "+strings.ReplaceAll(string(c.Status), "-", " "))
			}
		}
		switch {
		case implemented:
		case len(pending) == 0:
			out = append(out, Matter{Kind: MatterNotInPlace, Text: fmt.Sprintf("%s: no control addresses this %s", tg.ID, noun)})
		default:
			out = append(out, Matter{Kind: MatterNotInPlace, Text: fmt.Sprintf("%s: no control addressing this %s is in place (%s)", tg.ID, noun, joinAnd(pending))})
		}
	}
	return out
}

// signatureBlock leaves room for each signatory to sign and date.
func signatureBlock(org string, signers []Signer) Block {
	b := Block{Heading: "Signature", Paras: []string{"For " + endSentence(org)}}
	if len(signers) > 1 {
		b.Heading = "Signatures"
	}
	for _, sg := range signers {
		b.Paras = append(b.Paras, fmt.Sprintf("%s, %s. Signed: ____________________  Date: ____________", nonEmpty(sg.Name, "[name]"), nonEmpty(sg.Title, "[title]")))
	}
	return b
}
