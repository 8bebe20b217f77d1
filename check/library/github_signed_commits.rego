# METADATA
# title: Signed commits required on protected branches
# description: >-
#   Protected branches accept only commits with a verified signature, which
#   ties each commit to a known key. Severity is low: signatures show who
#   made a commit, not that it was reviewed.
# custom:
#   severity: low
#   controls: [CHG-02]
#   reads: [github.branch_protection]
#   pass: signed commits required
package attest.checks.github_signed_commits

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "required_signatures", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	not p.required_signatures == true
}

problem(false) := "commits are not required to carry a verified signature"

problem(v) := sprintf("whether signed commits are required is not recorded (required_signatures is %v)", [v]) if not is_boolean(v)
