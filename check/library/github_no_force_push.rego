# METADATA
# title: No force pushes to protected branches
# description: >-
#   Protected branches refuse force pushes, so merged history, and the
#   reviews it went through, cannot be rewritten.
# custom:
#   severity: high
#   controls: [CHG-05]
#   reads: [github.branch_protection]
#   pass: force pushes are blocked
package attest.checks.github_no_force_push

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "allow_force_pushes", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	not p.allow_force_pushes == false
}

problem(true) := "force pushes are allowed"

problem(v) := sprintf("whether force pushes are allowed is not recorded (allow_force_pushes is %v)", [v]) if not is_boolean(v)
