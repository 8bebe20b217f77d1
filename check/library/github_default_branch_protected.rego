# METADATA
# title: Default branches protected on GitHub
# description: >-
#   The default branch of every repository that is not archived has branch
#   protection turned on. A repository whose default branch has no
#   protection record collected is a finding too. When only protection
#   records were collected (no repository list), every branch they name
#   must be protected.
# custom:
#   severity: high
#   controls: [CHG-03]
#   reads: [github.repository, github.branch_protection]
#   pass: the branch is protected
package attest.checks.github_default_branch_protected

repositories_known if {
	some _ in input.github.repository
}

# Every branch a protection record covers (its ID is owner/name@branch),
# and those surely protected: when two records for one branch disagree,
# the weaker wins.
recorded := {lower(p._id) | some p in input.github.branch_protection}

protected_branches := recorded - {lower(p._id) |
	some p in input.github.branch_protection
	not p.protected == true
}

# Repositories in scope with the key of their default branch.
default_branches := [[r, lower(concat("@", [r._id, r.default_branch])), r.default_branch] |
	some r in input.github.repository
	not r.archived == true
]

applies contains r._id if {
	some r in input.github.repository
	not r.archived == true
}

applies contains p._id if {
	not repositories_known
	some p in input.github.branch_protection
}

deny contains {"resource": r._id, "msg": "no default branch is recorded for the repository"} if {
	some r in input.github.repository
	b := object.get(r, "default_branch", null)
	not is_string(b)
	not r.archived == true
}

deny contains {"resource": r._id, "msg": "no default branch is recorded for the repository"} if {
	some r in input.github.repository
	r.default_branch == ""
	not r.archived == true
}

deny contains {"resource": r._id, "msg": msg} if {
	ok := protected_branches
	some [r, k, b] in default_branches
	b != ""
	not ok[k]
	msg := branch_problem(k, b)
}

branch_problem(k, b) := sprintf("the default branch %s is not protected", [b]) if {
	recorded[k]
} else := sprintf("no branch protection record was collected for the default branch %s, so its protection is unknown", [b])

deny contains {"resource": p._id, "msg": sprintf("branch %v is not protected", [object.get(p, "branch", null)])} if {
	not repositories_known
	some p in input.github.branch_protection
	not p.protected == true
}
