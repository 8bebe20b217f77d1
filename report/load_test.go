package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/readiness"
	"github.com/attest-dev/attest/sqlite"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
	"github.com/attest-dev/attest/storetest"
)

var change = attest.Change{Actor: "tester", At: time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)}

// loadFixture is engagement e1 (SOC 2 Type 2) in a real store, with one
// auditor, one of the auditor's tests and management's response to it.
func loadFixture(t *testing.T) (*sqlite.DB, blob.Store, *attest.Engagement) {
	t.Helper()
	ctx := context.Background()
	s, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
	e := storetest.Engagement("e1")
	if err := s.CreateEngagement(ctx, change, e, storetest.Controls(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddAuditor(ctx, change, attest.Auditor{EngagementID: "e1", Name: "Ana Lima"}); err != nil {
		t.Fatal(err)
	}
	test, err := s.AddTest(ctx, change, attest.Test{EngagementID: "e1", ControlID: "AX-01", Procedures: []string{"inspection"}, Conclusion: attest.ConclusionExceptions, Wording: "Exception noted."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddResponse(ctx, change, attest.Response{TestID: test.ID, Text: "Fixed in May."}); err != nil {
		t.Fatal(err)
	}
	return s, bs, e
}

// keepDescription records b as the engagement's description inputs.
func keepDescription(t *testing.T, s *sqlite.DB, bs blob.Store, b []byte) *attest.Document {
	t.Helper()
	ref, size, err := bs.Put(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.AddDocument(context.Background(), change, attest.Document{EngagementID: "e1", Kind: attest.DocDescription, Name: "description.yaml", Ref: string(ref), Size: size, MediaType: "application/yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoadDescription(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	d, raw, err := LoadDescription(ctx, s, bs, e.ID)
	if err != nil || raw != nil || d.Organization != "" {
		t.Fatalf("none recorded: %+v %q %v", d, raw, err)
	}
	if len(d.Missing(e, map[string]bool{"AX-01": true})) == 0 {
		t.Error("empty description inputs miss nothing")
	}
	keepDescription(t, s, bs, []byte("organization: An earlier name\n"))
	want, _ := os.ReadFile("testdata/description.yaml")
	keepDescription(t, s, bs, want)
	d, raw, err = LoadDescription(ctx, s, bs, e.ID)
	if err != nil || !bytes.Equal(raw, want) || d.Organization != "Harbor Payroll, Inc." {
		t.Errorf("the latest inputs: %q %v", d.Organization, err)
	}
	doc := keepDescription(t, s, bs, []byte("servics: {text: x}\n"))
	if _, _, err := LoadDescription(ctx, s, bs, e.ID); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "document "+strconv.FormatInt(doc.ID, 10)) {
		t.Errorf("bad inputs name their document: %v", err)
	}
	if _, _, err := LoadDescription(ctx, s, nil, e.ID); attest.ErrorCode(err) != attest.EUNAVAILABLE {
		t.Errorf("without a document store: %v", err)
	}
}

func TestChoose(t *testing.T) {
	soc2t2 := &attest.Engagement{ID: "e1", Kind: attest.SOC2, Type: attest.Type2}
	soc1t1 := &attest.Engagement{ID: "e2", Kind: attest.SOC1, Type: attest.Type1}
	for _, tc := range []struct {
		e        *attest.Engagement
		kind     attest.Kind
		typ      attest.ReportType
		wantKind attest.Kind
		wantType attest.ReportType
		err      string
	}{
		{soc2t2, "", "", attest.SOC2, attest.Type2, ""},
		{soc2t2, attest.SOC2, "", attest.SOC2, attest.Type2, ""},
		{soc2t2, attest.SOC3, "", attest.SOC3, "", ""},
		{soc2t2, attest.SOC3, attest.Type2, attest.SOC3, "", ""},
		{soc2t2, "", attest.Type1, "", "", "not Type 1"},
		{soc2t2, attest.SOC1, "", "", "", "not SOC 1"},
		{soc1t1, attest.SOC3, "", "", "", "a SOC 3 is drawn from SOC 2 Type 2 work"},
		{soc1t1, "", "", attest.SOC1, attest.Type1, ""},
	} {
		k, typ, err := Choose(tc.e, tc.kind, tc.typ)
		name := tc.e.ID + " " + string(tc.kind) + " " + string(tc.typ)
		if tc.err != "" {
			if attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(attest.ErrorMessage(err), tc.err) {
				t.Errorf("%s: %v, want %q", name, err, tc.err)
			}
			continue
		}
		if err != nil || k != tc.wantKind || typ != tc.wantType {
			t.Errorf("%s: %q %q %v, want %q %q", name, k, typ, err, tc.wantKind, tc.wantType)
		}
	}
}

// The reports each kind of engagement can give, as the reports page
// offers them: its own, and a SOC 3 from SOC 2 Type 2 work only.
func TestKinds(t *testing.T) {
	for _, tc := range []struct {
		e    attest.Engagement
		want string
	}{
		{attest.Engagement{Kind: attest.SOC2, Type: attest.Type2}, "SOC 2,SOC 3"},
		{attest.Engagement{Kind: attest.SOC2, Type: attest.Type1}, "SOC 2"},
		{attest.Engagement{Kind: attest.SOC1, Type: attest.Type2}, "SOC 1"},
		{attest.Engagement{Kind: attest.SOC3}, "SOC 3"},
	} {
		var got []string
		for _, k := range Kinds(&tc.e) {
			got = append(got, string(k))
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%s %s: %v, want %s", tc.e.Kind, tc.e.Type, got, tc.want)
		}
	}
}

func TestLoadInput(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	b, _ := os.ReadFile("testdata/description.yaml")
	keepDescription(t, s, bs, b)
	now := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	in, err := LoadInput(ctx, s, bs, e, "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != attest.SOC2 || in.Type != attest.Type2 || !in.Now.Equal(now) || in.Catalog == nil || in.Description.Organization != "Harbor Payroll, Inc." {
		t.Errorf("input %s %s %v %q", in.Kind, in.Type, in.Now, in.Description.Organization)
	}
	if len(in.Controls) != 2 || len(in.Tests) != 1 || len(in.Responses) != 1 || len(in.Auditors) != 1 || in.Auditors[0].Name != "Ana Lima" {
		t.Errorf("%d controls, %d tests, %d responses, auditors %+v", len(in.Controls), len(in.Tests), len(in.Responses), in.Auditors)
	}
	if got := in.DraftSlug(); got != "e1-draft" {
		t.Errorf("slug %q", got)
	}
	soc3, err := LoadInput(ctx, s, bs, e, attest.SOC3, "", now)
	if err != nil || soc3.Type != "" || soc3.DraftSlug() != "e1-soc-3-draft" {
		t.Errorf("SOC 3: %+v %v", soc3, err)
	}
	if _, err := Build(*soc3); err != nil {
		t.Errorf("a SOC 3 from the loaded input: %v", err)
	}
	if _, err := LoadInput(ctx, s, bs, e, attest.SOC1, "", now); attest.ErrorCode(err) != attest.EINVALID {
		t.Errorf("a SOC 1 from SOC 2 work: %v", err)
	}
}

// Readiness reads the description inputs kept last: the description gaps
// it reports are those inputs' missing parts, for the engagement's
// controls.
func TestReadiness(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	when := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	descGaps := func(r *readiness.Report) int {
		n := 0
		for _, g := range r.Gaps {
			if g.Kind == readiness.DescriptionGap {
				n++
			}
		}
		return n
	}
	in, none, err := Readiness(ctx, s, bs, e, when, readiness.Shared{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Controls) != 2 || !in.When.Equal(when) || none.Engagement != "e1" {
		t.Errorf("input: %d controls as of %s; report of %q", len(in.Controls), in.When, none.Engagement)
	}
	empty, _, _ := LoadDescription(ctx, s, bs, e.ID)
	if want := len(empty.Missing(e, attest.ControlIDs(in.Controls))); want == 0 || descGaps(none) != want || len(in.Description) != want {
		t.Errorf("no inputs kept: %d description gaps, input %d, want %d", descGaps(none), len(in.Description), want)
	}
	b, _ := os.ReadFile("testdata/description.yaml")
	keepDescription(t, s, bs, b)
	_, kept, err := Readiness(ctx, s, bs, e, when, readiness.Shared{})
	if err != nil {
		t.Fatal(err)
	}
	if descGaps(kept) >= descGaps(none) {
		t.Errorf("with the inputs kept: %d description gaps, before %d", descGaps(kept), descGaps(none))
	}
}

// engagementScope sees the documents of one engagement, as an auditor's
// scope sees those of the engagements they audit.
type engagementScope string

func (sc engagementScope) Document(d *attest.Document) error { return sc.Papers(d.EngagementID) }

func (sc engagementScope) Papers(id string) error {
	if id != string(sc) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "outside the scope"}
	}
	return nil
}

func TestDocumentsInScope(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	d := keepDescription(t, s, bs, []byte("organization: Harbor\n"))
	if l, err := ListDocuments(ctx, s, auth.Everything, e.ID, attest.DocDescription); err != nil || len(l) != 1 || l[0].ID != d.ID {
		t.Errorf("everything: %v %v", l, err)
	}
	if l, err := ListDocuments(ctx, s, engagementScope(e.ID), e.ID, ""); err != nil || len(l) != 1 {
		t.Errorf("the engagement's own scope: %v %v", l, err)
	}
	if l, err := ListDocuments(ctx, s, engagementScope("e2"), e.ID, ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("another engagement's scope: %v %v", l, err)
	}
	// A control owner and a viewer read the organization's controls and
	// evidence, not the working papers: drafts and reports among them.
	for _, role := range []string{attest.RoleOwner, attest.RoleViewer} {
		sc, err := auth.ScopeAt(ctx, s, nil, time.Now(), &attest.User{ID: 9, Role: role})
		if err != nil {
			t.Fatal(err)
		}
		if l, err := ListDocuments(ctx, s, sc, e.ID, ""); attest.ErrorCode(err) != attest.EFORBIDDEN || !strings.Contains(attest.ErrorMessage(err), "your role ("+role+")") {
			t.Errorf("%s: %v %v", role, l, err)
		}
		if _, err := GetDocument(ctx, s, sc, d.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s gets a document: %v", role, err)
		}
	}
	if got, err := GetDocument(ctx, s, engagementScope(e.ID), d.ID); err != nil || got.ID != d.ID {
		t.Errorf("get in the scope: %v %v", got, err)
	}
	if _, err := GetDocument(ctx, s, engagementScope("e2"), d.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("get outside the scope: %v", err)
	}
	if _, err := GetDocument(ctx, s, auth.Everything, d.ID+100); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("no such document: %v", err)
	}
}

// TestOrganizationName: the newest engagement whose description names the
// organization gives its name; none yet gives "".
func TestOrganizationName(t *testing.T) {
	ctx := context.Background()
	s, bs := sqlitetest.Create(t), sqlitetest.Blobs(t)
	ch := attest.Change{Actor: "t", At: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	if name, err := OrganizationName(ctx, s, bs); err != nil || name != "" {
		t.Fatalf("no engagement: %q, %v", name, err)
	}
	for _, id := range []string{"e1", "e2", "e3"} {
		if err := s.CreateEngagement(ctx, ch, storetest.Engagement(id), storetest.Controls(1)); err != nil {
			t.Fatal(err)
		}
	}
	for id, doc := range map[string]string{"e1": "organization: Harbor Old\n", "e2": "organization: \" Harbor Payroll \"\n", "e3": "system: Payroll\n"} {
		e, _ := s.Engagement(ctx, id)
		if _, err := SaveDescription(ctx, s, bs, ch, nil, DescriptionEdit{Engagement: e, Name: id, Content: []byte(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	if name, err := OrganizationName(ctx, s, bs); err != nil || name != "Harbor Payroll" {
		t.Errorf("%q, %v; want e2's, the newest that names one", name, err)
	}
}

// TestDraftReadinessSummary: the summary carries the readiness gaps as
// Readiness assesses them at the start of the day, and the description's
// gaps.
func TestDraftReadinessSummary(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	now := time.Date(2026, 6, 10, 15, 4, 0, 0, time.UTC)
	doc, err := DraftReadinessSummary(ctx, s, bs, e, &Description{}, now)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := readiness.LoadShared(ctx, s, bs)
	if err != nil {
		t.Fatal(err)
	}
	_, rep, err := Readiness(ctx, s, bs, e, time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC), sh)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	if doc.Kind != "readiness-summary" || doc.Prepared != "2026-06-10 15:04 UTC" || len(rep.Gaps) == 0 || !bytes.Contains(b, []byte(rep.Gaps[0].Detail)) ||
		!bytes.Contains(b, []byte("the service organization's name is missing")) {
		t.Errorf("the summary: %s", b)
	}
}
