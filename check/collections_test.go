package check

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/sqlite/sqlitetest"
)

func TestCollectionControls(t *testing.T) {
	// The controls are those of the checks reading a type the collection
	// holds, and only those an engagement has.
	var want []string
	known := map[string]bool{}
	for _, c := range Builtin().Checks {
		if slices.Contains(c.Reads, "aws.iam_user") {
			for _, id := range c.Controls {
				known[id] = true
				if !slices.Contains(want, id) {
					want = append(want, id)
				}
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("no built-in check reads aws.iam_user")
	}
	slices.Sort(want)
	known["ZZ-99"] = true
	got, err := CollectionControls("aws", map[string]int{"aws.iam_user": 3, "idp.user": 0}, known)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("controls %v %v, want %v", got, err, want)
	}
	// Records of a type no check reads, or for controls no engagement
	// has, support nothing: the collection is refused, naming its source.
	for _, tc := range []struct {
		counts map[string]int
		known  map[string]bool
	}{
		{map[string]int{"nothing.reads.this": 5}, known},
		{map[string]int{"aws.iam_user": 3}, map[string]bool{"ZZ-99": true}},
		{map[string]int{"aws.iam_user": 0}, known},
	} {
		if _, err := CollectionControls("okta", tc.counts, tc.known); attest.ErrorCode(err) != attest.EINVALID || !strings.Contains(err.Error(), "from okta supports no control") {
			t.Errorf("%v: %v", tc.counts, err)
		}
	}
}

func TestLatestCollections(t *testing.T) {
	ctx := context.Background()
	s := sqlitetest.Create(t)
	got, err := LatestCollections(ctx, s)
	if err != nil || len(got) != 0 {
		t.Fatalf("before any: %v %v", got, err)
	}
	for _, c := range []struct {
		source string
		id     int64
	}{{"aws", 4}, {"okta", 5}, {"aws", 9}} {
		if err := RecordCollection(ctx, s, c.source, c.id); err != nil {
			t.Fatal(err)
		}
	}
	got, err = LatestCollections(ctx, s)
	if err != nil || len(got) != 2 || got["aws"] != 9 || got["okta"] != 5 {
		t.Errorf("latest %v %v", got, err)
	}
	if err := s.SetSetting(ctx, collectionsKey, "{not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := LatestCollections(ctx, s); err == nil || !strings.Contains(err.Error(), collectionsKey) {
		t.Errorf("a damaged setting: %v", err)
	}
}
