package people_test

import (
	"testing"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/people"
)

// TestMayMarkDone: a task item by its assignee or management; never
// another person's, an unassigned one but by management, or an item that
// is done when an acknowledgement or a course is recorded.
func TestMayMarkDone(t *testing.T) {
	sam := &attest.User{ID: 7, Role: attest.RoleOwner}
	admin := &attest.User{ID: 1, Role: attest.RoleAdmin}
	for _, c := range []struct {
		name  string
		actor *attest.User
		it    attest.ChecklistItem
		may   bool
	}{
		{"the assignee's task", sam, attest.ChecklistItem{Kind: attest.ItemTask, AssigneeID: 7}, true},
		{"another's task", sam, attest.ChecklistItem{Kind: attest.ItemTask, AssigneeID: 8}, false},
		{"an unassigned task", sam, attest.ChecklistItem{Kind: attest.ItemTask}, false},
		{"management, any task", admin, attest.ChecklistItem{Kind: attest.ItemTask, AssigneeID: 8}, true},
		{"the local operator", nil, attest.ChecklistItem{Kind: attest.ItemTask}, true},
		{"a training item", admin, attest.ChecklistItem{Kind: attest.ItemTraining, AssigneeID: 1}, false},
	} {
		if got := people.MayMarkDone(c.actor, &c.it); got != c.may {
			t.Errorf("%s: %v, want %v", c.name, got, c.may)
		}
	}
}
