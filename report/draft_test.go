package report

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

func TestDraft(t *testing.T) {
	ctx := context.Background()
	s, bs, e := loadFixture(t)
	b, _ := os.ReadFile("testdata/description.yaml")
	keepDescription(t, s, bs, b)
	now := time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	html := map[string]bool{"html": true, "md": true}

	for _, role := range []string{attest.RoleAuditor, attest.RoleOwner, attest.RoleViewer} {
		_, err := Draft(ctx, s, bs, change, &attest.User{ID: 7, Role: role}, DraftRequest{Engagement: e, Now: now, Rendering: Rendering{Formats: html}})
		if attest.ErrorCode(err) != attest.EFORBIDDEN {
			t.Errorf("%s drafts: %v", role, err)
		}
	}
	for _, tc := range []struct {
		kind attest.Kind
		r    Rendering
		want string
	}{
		{"", Rendering{}, "formats: name at least one"},
		{"", Rendering{Formats: map[string]bool{"pdf": true}}, "formats: PDF needs Chromium"},
		// A SOC 2 engagement gives no SOC 1 report: refused by its field
		// before the rendering is looked at.
		{attest.SOC1, Rendering{}, "kind: "},
	} {
		if _, err := Draft(ctx, s, bs, change, nil, DraftRequest{Engagement: e, Kind: tc.kind, Now: now, Rendering: tc.r}); attest.ErrorCode(err) != attest.EINVALID || !strings.HasPrefix(attest.ErrorMessage(err), tc.want) {
			t.Errorf("%s %v: %v, want %q", tc.kind, tc.r.Formats, err, tc.want)
		}
	}
	before, _ := s.Documents(ctx, e.ID, attest.DocRender)
	if len(before) != 0 {
		t.Fatalf("refusals kept %d documents", len(before))
	}

	// An administrator drafts: each format kept as a document whose
	// record names its bytes, which read back from the blob store.
	d, err := Draft(ctx, s, bs, change, &attest.User{ID: 1, Role: attest.RoleAdmin}, DraftRequest{Engagement: e, Now: now, Rendering: Rendering{Formats: html}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Input.Kind != attest.SOC2 || d.Doc == nil || len(d.Kept) != 2 || d.Kept[0].Name != "e1-draft.html" || d.Kept[1].Name != "e1-draft.md" || d.Pages != nil {
		t.Fatalf("drafted %+v", d.Kept)
	}
	for _, k := range d.Kept {
		r, err := bs.Open(blob.Ref(k.Ref))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if !bytes.Contains(got, []byte("DRAFT")) || Meta(d.Doc, k.Meta["format"], got)["sha256"] != k.Meta["sha256"] || k.Kind != attest.DocRender {
			t.Errorf("%s: kept bytes do not match the record %v", k.Name, k.Meta)
		}
	}
	if len(d.Gaps) != len(d.Input.Description.Check(e, map[string]bool{"AX-01": true, "AX-02": true})) {
		t.Errorf("gaps %v", d.Gaps)
	}

	// A SOC 3 from the same work has no description gaps to report.
	soc3, err := Draft(ctx, s, bs, change, nil, DraftRequest{Engagement: e, Kind: attest.SOC3, Now: now, Rendering: Rendering{Formats: map[string]bool{"md": true}}})
	if err != nil || soc3.Gaps != nil || len(soc3.Kept) != 1 || soc3.Kept[0].Name != "e1-soc-3-draft.md" {
		t.Errorf("SOC 3: %+v %v", soc3, err)
	}

	// Printing fails: the HTML and Markdown are still kept, the error
	// comes back beside them, and a recorder sees each file's effect.
	var effects []string
	broken := errors.New("no Chromium here")
	d, err = Draft(ctx, s, bs, change, nil, DraftRequest{Engagement: e, Now: now, Rendering: Rendering{
		Formats: map[string]bool{"pdf": true, "html": true},
		Print:   func(context.Context, *Document) ([]byte, map[string]int, error) { return nil, nil, broken },
		Record: func(ctx context.Context, effect string, doc attest.Document, b []byte) (*attest.Document, error) {
			effects = append(effects, effect)
			return keep(ctx, s, bs, change, doc, b)
		},
	}})
	if !errors.Is(err, broken) || d == nil || len(d.Kept) != 1 || strings.Join(effects, ",") != "render:html" {
		t.Errorf("print failed: %v, kept %+v, effects %v", err, d, effects)
	}

	// Printed: the PDF first, and the HTML carries its page numbers.
	d, err = Draft(ctx, s, bs, change, nil, DraftRequest{Engagement: e, Now: now, Rendering: Rendering{
		Formats: map[string]bool{"pdf": true, "html": true},
		Print: func(context.Context, *Document) ([]byte, map[string]int, error) {
			return []byte("%PDF-1.7 fake for the test"), map[string]int{"section-1": 3}, nil
		},
	}})
	if err != nil || len(d.Kept) != 2 || d.Kept[0].MediaType != "application/pdf" || d.Pages["section-1"] != 3 {
		t.Errorf("printed: %+v %v", d, err)
	}
}
