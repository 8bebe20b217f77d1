# METADATA
# title: Branch protection binds administrators
# description: >-
#   The protection rules of each protected branch apply to repository
#   administrators too, so nobody can merge around the required reviews and
#   checks.
# custom:
#   severity: medium
#   controls: [CHG-03]
#   reads: [github.branch_protection]
#   pass: rules apply to administrators
package attest.checks.github_enforce_admins

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "enforce_admins", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	not p.enforce_admins == true
}

problem(false) := "administrators can bypass the branch's protection rules"

problem(v) := sprintf("whether the rules apply to administrators is not recorded (enforce_admins is %v)", [v]) if not is_boolean(v)
