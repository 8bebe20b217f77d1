package evidence_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/evidence"
)

// controlsScope sees the evidence of some controls, as an auditor's
// scope sees those of their engagements.
type controlsScope []string

func (sc controlsScope) Evidence(e *attest.Evidence) error {
	for _, c := range e.Controls {
		for _, in := range sc {
			if c == in {
				return nil
			}
		}
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "outside the scope"}
}

func TestReadInScope(t *testing.T) {
	w := setup(t)
	add := func(control, content string) attest.Evidence {
		got, err := evidence.Add(ctx, w.s, w.bs, ch, nil, evidence.AddRequest{Controls: []string{control}, Covers: "2026-03-31", Items: []evidence.Item{w.stage(t, "f.txt", content)}})
		if err != nil {
			t.Fatal(err)
		}
		return got.Evidence[0]
	}
	ax, bx, gone := add("AX-01", "ax"), add("BX-01", "bx"), add("AX-01", "gone")
	if _, err := evidence.Retract(ctx, w.s, ch, nil, gone.ID, "superseded"); err != nil {
		t.Fatal(err)
	}
	ids := func(l []attest.Evidence) (out []int64) {
		for _, e := range l {
			out = append(out, e.ID)
		}
		return out
	}
	for _, c := range []struct {
		name    string
		sc      evidence.Scope
		control string
		all     bool
		want    []int64
	}{
		{"everything", auth.Everything, "", false, []int64{ax.ID, bx.ID}},
		{"everything with the retracted", auth.Everything, "", true, []int64{ax.ID, bx.ID, gone.ID}},
		{"one control", auth.Everything, "AX-01", true, []int64{ax.ID, gone.ID}},
		{"a scope of AX-01", controlsScope{"AX-01"}, "", false, []int64{ax.ID}},
		{"a scope of AX-01 asking for BX-01", controlsScope{"AX-01"}, "BX-01", true, nil},
		{"nothing", auth.Nothing, "", true, nil},
	} {
		got, err := evidence.List(ctx, w.s, c.sc, c.control, c.all)
		if err != nil || len(got) != len(c.want) || (len(got) > 0 && !slices.Equal(ids(got), c.want)) {
			t.Errorf("%s: %v %v, want %v", c.name, ids(got), err, c.want)
		}
	}
	if e, err := evidence.Get(ctx, w.s, controlsScope{"AX-01"}, ax.ID); err != nil || e.ID != ax.ID {
		t.Errorf("in the scope: %+v %v", e, err)
	}
	if _, err := evidence.Get(ctx, w.s, controlsScope{"AX-01"}, bx.ID); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("outside the scope: %v", err)
	}
	if _, err := evidence.Get(ctx, w.s, auth.Everything, 999); attest.ErrorCode(err) != attest.ENOTFOUND {
		t.Errorf("no such evidence: %v", err)
	}

	// Downloads: a retracted item's bytes only when asked for as such; a
	// purged one's never; outside the scope, refused before either.
	if _, err := evidence.Download(ctx, w.s, auth.Everything, gone.ID, false, "ask for it"); attest.ErrorCode(err) != attest.ENOTFOUND || !strings.HasSuffix(err.Error(), "superseded); its bytes are kept until a retention rule allows a purge: ask for it") {
		t.Errorf("retracted, not asked for: %v", err)
	}
	if e, err := evidence.Download(ctx, w.s, auth.Everything, gone.ID, true, ""); err != nil || e.ID != gone.ID {
		t.Errorf("retracted, asked for: %v", err)
	}
	if _, err := evidence.Download(ctx, w.s, controlsScope{"BX-01"}, gone.ID, true, ""); attest.ErrorCode(err) != attest.EFORBIDDEN {
		t.Errorf("retracted, outside the scope: %v", err)
	}
	if _, err := w.s.PurgeEvidence(ctx, ch, gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := evidence.Download(ctx, w.s, auth.Everything, gone.ID, true, ""); attest.ErrorCode(err) != attest.ENOTFOUND || !strings.Contains(err.Error(), "purged") {
		t.Errorf("purged: %v", err)
	}
}
