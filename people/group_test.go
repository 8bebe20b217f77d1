package people_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

// TestGroupItems: by person or by each control served, groups in the
// order first met, overdue before done late within a group; a grouping
// that is neither is refused naming the field.
func TestGroupItems(t *testing.T) {
	item := func(id, person int64, email, status string, controls ...string) people.ItemStatus {
		return people.ItemStatus{ChecklistItem: attest.ChecklistItem{ID: id, PersonID: person, Person: email, Controls: controls}, Status: status}
	}
	late1 := item(1, 10, "cy@example.org", people.DoneLate, "HR-01")
	over2 := item(2, 11, "di@example.org", people.Overdue, "AC-04", "HR-02")
	over3 := item(3, 10, "cy@example.org", people.Overdue, "HR-02")
	late4 := item(4, 10, "cy@example.org", people.DoneLate, "HR-01")
	its := []people.ItemStatus{late1, over2, over3, late4}
	for _, c := range []struct {
		by      string
		its     []people.ItemStatus
		want    []people.Group
		wantErr string
	}{
		{"person", its, []people.Group{
			{Key: "10", Label: "cy@example.org", PersonID: 10, Items: []people.ItemStatus{over3, late1, late4}},
			{Key: "11", Label: "di@example.org", PersonID: 11, Items: []people.ItemStatus{over2}},
		}, ""},
		{"", []people.ItemStatus{over2}, []people.Group{{Key: "11", Label: "di@example.org", PersonID: 11, Items: []people.ItemStatus{over2}}}, ""},
		{"control", its, []people.Group{
			{Key: "HR-01", Label: "HR-01", Items: []people.ItemStatus{late1, late4}},
			{Key: "AC-04", Label: "AC-04", Items: []people.ItemStatus{over2}},
			{Key: "HR-02", Label: "HR-02", Items: []people.ItemStatus{over2, over3}},
		}, ""},
		{"control", nil, []people.Group{}, ""},
		{"team", its, nil, `by: "team": person or control`},
	} {
		got, err := people.GroupItems(c.its, c.by)
		if c.wantErr != "" {
			if attest.ErrorCode(err) != attest.EINVALID || attest.ErrorMessage(err) != c.wantErr {
				t.Errorf("by %q: %v, want EINVALID %q", c.by, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("by %q: %v", c.by, err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("by %q, the groups (-want +got):\n%s", c.by, diff)
		}
	}
}

// TestToDo: the open items, and of them the reader's to mark done; done
// items are in neither.
func TestToDo(t *testing.T) {
	sam := &attest.User{ID: 7, Role: attest.RoleOwner}
	admin := &attest.User{ID: 1, Role: attest.RoleAdmin}
	task := func(id, assignee int64, status string) people.ItemStatus {
		return people.ItemStatus{ChecklistItem: attest.ChecklistItem{ID: id, Kind: attest.ItemTask, AssigneeID: assignee}, Status: status}
	}
	training := people.ItemStatus{ChecklistItem: attest.ChecklistItem{ID: 5, Kind: attest.ItemTraining, AssigneeID: 7}, Status: people.Overdue}
	p := &people.Profile{Items: []people.ItemStatus{task(1, 7, people.Open), task(2, 8, people.Overdue), task(3, 7, people.DoneOnTime), task(4, 7, people.DoneLate), training}}
	for _, c := range []struct {
		name       string
		actor      *attest.User
		open, mine []int64
	}{
		{"the assignee", sam, []int64{1, 2, 5}, []int64{1}},
		{"management", admin, []int64{1, 2, 5}, []int64{1, 2}},
		{"the local operator", nil, []int64{1, 2, 5}, []int64{1, 2}},
	} {
		open, mine := p.ToDo(c.actor)
		ids := func(its []people.ItemStatus) (out []int64) {
			for _, it := range its {
				out = append(out, it.ID)
			}
			return out
		}
		if diff := cmp.Diff(c.open, ids(open)); diff != "" {
			t.Errorf("%s, open (-want +got):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(c.mine, ids(mine)); diff != "" {
			t.Errorf("%s, mine (-want +got):\n%s", c.name, diff)
		}
	}
}
