package deviation

import (
	"slices"
	"testing"

	"github.com/attest-dev/attest"
)

// TestPending keeps the deviations not yet disclosed, in order, leaves
// the register it came from whole, and keeps its counts.
func TestPending(t *testing.T) {
	r := Register{Engagement: "e1", Deviations: []Deviation{{ID: "a"}, {ID: "b", Disclosure: &attest.Disclosure{}}, {ID: "c"}}, Disclosed: 1, Undisclosed: 2}
	p := r.Pending()
	var ids []string
	for _, d := range p.Deviations {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"a", "c"}) || p.Disclosed != 1 || p.Undisclosed != 2 || p.Engagement != "e1" || len(r.Deviations) != 3 {
		t.Errorf("pending %v of %+v", ids, p)
	}
	if all := (&Register{Deviations: []Deviation{{ID: "x", Disclosure: &attest.Disclosure{}}}}).Pending(); all.Deviations == nil || len(all.Deviations) != 0 {
		t.Errorf("every one disclosed: %#v, want an empty list", all.Deviations)
	}
}
