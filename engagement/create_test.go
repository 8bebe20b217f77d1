package engagement_test

import (
	"context"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/catalog"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

// A batch of specs with one that cannot be built creates nothing: not the
// engagements before it either.
func TestCreateIsAllOrNothingOnBadSpecs(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	ch := attest.Change{Actor: "t"}
	good := engagement.Spec{ID: "soc2", Kind: attest.SOC2, Type: attest.Type1, AsOf: "2026-12-31"}
	bad := engagement.Spec{ID: "soc1", Kind: attest.SOC1, Type: attest.Type2, PeriodStart: "2026-12-31", PeriodEnd: "2026-01-01"}
	if _, err := engagement.Create(ctx, s, catalog.MustLoad(), ch, nil, []engagement.Spec{good, bad}); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("a batch with a bad spec: %v, want EINVALID", err)
	}
	if es, err := s.Engagements(ctx); err != nil || len(es) != 0 {
		t.Errorf("after a refused batch: %d engagements (%v), want none", len(es), err)
	}
	if out, err := engagement.Create(ctx, s, catalog.MustLoad(), ch, nil, []engagement.Spec{good}); err != nil || len(out) != 1 {
		t.Errorf("the good spec alone: %v %v", out, err)
	}
}
