# METADATA
# title: New commits dismiss earlier approvals
# description: >-
#   On protected branches that require reviews, pushing new commits to a
#   pull request dismisses the approvals given before, so what is merged is
#   what was reviewed.
# custom:
#   severity: medium
#   controls: [CHG-02]
#   reads: [github.branch_protection]
#   pass: new commits dismiss earlier approvals
package attest.checks.github_dismiss_stale_reviews

# Protected branches that require approving reviews; the others are the
# subject of github_required_reviews.
applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
	p.required_approving_review_count > 0
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "dismiss_stale_reviews", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	p.required_approving_review_count > 0
	not p.dismiss_stale_reviews == true
}

problem(false) := "approvals stay valid after new commits are pushed (stale review dismissal is off)"

problem(v) := sprintf("whether new commits dismiss earlier approvals is not recorded (dismiss_stale_reviews is %v)", [v]) if not is_boolean(v)
