# METADATA
# title: Code owners review their code
# description: >-
#   On protected branches that require reviews, a change to files with a
#   code owner needs that owner's approval. Severity is low: this adds to
#   peer review rather than replacing it.
# custom:
#   severity: low
#   controls: [CHG-02]
#   reads: [github.branch_protection]
#   pass: code owners' approval required
package attest.checks.github_code_owner_reviews

# Protected branches that require approving reviews; the others are the
# subject of github_required_reviews.
applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
	p.required_approving_review_count > 0
}

deny contains {"resource": p._id, "msg": problem(object.get(p, "require_code_owner_reviews", null))} if {
	some p in input.github.branch_protection
	p.protected == true
	p.required_approving_review_count > 0
	not p.require_code_owner_reviews == true
}

problem(false) := "code owners' approval is not required for changes to the files they own"

problem(v) := sprintf("whether code owners must approve is not recorded (require_code_owner_reviews is %v)", [v]) if not is_boolean(v)
