package report

import (
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/deviation"
)

func TestRepresentationLetter(t *testing.T) {
	e := engagement(attest.SOC1, attest.Type2)
	e.ReportDate = "2027-02-28"
	doc, err := RepresentationLetter(RepresentationInput{Engagement: e, Description: desc(t), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	md := strings.Join(strings.Fields(text(doc)), " ")
	for _, want := range []string{"To Example & Partners CPAs LLP:", "February 28, 2027",
		"We reaffirm management's assertion", "AT-C section 320",
		"identifying the risks that threaten the achievement of those control objectives",
		"all the information relevant to the examination", "did not operate as described",
		"complaint from user entities", "fraud", "laws, regulations or contracts", "communication from regulators",
		"significant change to the system or its controls during the period", "subservice organization",
		"every event after the end of the period and up to the date of this letter",
		"Uncorrected misstatements of the description", "[To complete:",
		"### Signatures", "Maya Okafor, Chief Executive Officer. Signed:", "[name], Chief Financial Officer. Signed:"} {
		if !strings.Contains(md, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	if strings.Contains(md, "Inc..") {
		t.Error("doubled full stop")
	}
	// SOC 2, signed by the officers given.
	ciso, _ := ParseSignatory("Jonah Weiss, Chief Information Security Officer")
	cfo, _ := ParseSignatory(" Ruth Ansah ,Chief Financial Officer ")
	doc, err = RepresentationLetter(RepresentationInput{Engagement: engagement(attest.SOC2, attest.Type1), Description: desc(t), Signatories: []Signer{cfo, ciso}, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	md = strings.Join(strings.Fields(text(doc)), " ")
	for _, want := range []string{"DC section 200", "TSP section 100", "Ruth Ansah, Chief Financial Officer. Signed:", "Jonah Weiss, Chief Information Security Officer. Signed:", "after the date of the description", "[report date]"} {
		if !strings.Contains(md, want) {
			t.Errorf("SOC 2 letter lacks %q", want)
		}
	}
	if strings.Contains(md, "Maya Okafor") || strings.Contains(md, "during the period") {
		t.Error("the default signer or a period in a Type 1 letter")
	}
	for _, bad := range []string{"Ruth Ansah", ", CFO", "Ruth Ansah, "} {
		if _, err := ParseSignatory(bad); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "Name, Title") {
			t.Errorf("ParseSignatory(%q): %v", bad, err)
		}
	}
}

func TestRepresentationLetterListsKnownDeviations(t *testing.T) {
	e := engagement(attest.SOC2, attest.Type2)
	known := []deviation.Deviation{
		{ID: "missed:AC-06:2026-03-31", Kind: deviation.Missed, Control: "AC-06", Date: "2026-03-31", Text: "the quarterly access review due 2026-04-30 was not performed",
			Disclosure: &attest.Disclosure{To: "Ana Lima", On: "2026-05-10"}},
		{ID: "late:CHG-03:2026-11-30", Kind: deviation.Late, Control: "CHG-03", Date: "2026-11-30", Text: "performed 12 days after its due date"},
	}
	doc, err := RepresentationLetter(RepresentationInput{Engagement: e, Description: desc(t), Known: known, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	md := mdOf(t, doc)
	for _, want := range []string{"### Known deviations disclosed",
		"| 2026-03-31 | AC-06: the quarterly access review due 2026-04-30 was not performed | Ana Lima, 2026-05-10 |",
		"| 2026-11-30 | CHG-03: performed 12 days after its due date | [Not yet disclosed: disclose it before signing] |",
		"1 known deviation is not yet recorded as disclosed. Disclose it"} {
		if !strings.Contains(md, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	// The list comes before the misstatements and the signatures.
	if i, j := strings.Index(md, "Known deviations disclosed"), strings.Index(md, "Uncorrected misstatements"); i < 0 || i > j {
		t.Error("known deviations out of place")
	}
	doc, _ = RepresentationLetter(RepresentationInput{Engagement: e, Description: desc(t), Now: clock})
	if md := mdOf(t, doc); !strings.Contains(md, "register of known deviations holds none") || strings.Contains(md, "Not yet disclosed") {
		t.Error("empty register")
	}
}
