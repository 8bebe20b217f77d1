# METADATA
# title: Protected branches cannot be deleted
# description: >-
#   Protected branches cannot be deleted, so a branch that production is
#   built from, and its history, stays in place.
# custom:
#   severity: medium
#   controls: [CHG-05]
#   reads: [github.branch_protection]
#   pass: deletion is blocked
package attest.checks.github_no_branch_deletion

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "allow_deletions", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	not p.allow_deletions == false
}

problem(true) := "the branch can be deleted"

problem(v) := sprintf("whether the branch can be deleted is not recorded (allow_deletions is %v)", [v]) if not is_boolean(v)
