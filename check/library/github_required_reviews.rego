# METADATA
# title: Approving reviews required on protected branches
# description: >-
#   Every protected GitHub branch requires at least `min_approvals`
#   approving pull-request reviews before a merge. Unprotected default
#   branches are the subject of github_default_branch_protected.
# custom:
#   severity: high
#   controls: [CHG-02, CHG-03]
#   reads: [github.branch_protection]
#   pass: requires enough approving reviews
#   params:
#     min_approvals: 1
package attest.checks.github_required_reviews

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": msg} if {
	m := data.attest.params.github_required_reviews.min_approvals
	some p in input.github.branch_protection
	p.protected == true
	msg := problem(object.get(p, "required_approving_review_count", null), m)
}

problem(0, m) := sprintf("merging needs no approving review; the policy requires at least %d", [m]) if m > 0

problem(n, m) := sprintf("merging needs %d approving review(s); the policy requires at least %d", [n, m]) if {
	is_number(n)
	n > 0
	n < m
}

problem(n, _) := sprintf("the number of approving reviews required is not recorded (%v)", [n]) if not is_number(n)
