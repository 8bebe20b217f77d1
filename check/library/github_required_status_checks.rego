# METADATA
# title: Status checks required before merge
# description: >-
#   Every protected GitHub branch requires at least one status check (a
#   build or test run) to pass before a merge. When `required_checks` names
#   checks, each of them must be among those required.
# custom:
#   severity: medium
#   controls: [CHG-04]
#   reads: [github.branch_protection]
#   pass: the expected status checks are required
#   params:
#     required_checks: []
package attest.checks.github_required_status_checks

applies contains p._id if {
	some p in input.github.branch_protection
	p.protected == true
}

deny contains {"resource": p._id, "msg": msg} if {
	wanted := data.attest.params.github_required_status_checks.required_checks
	some p in input.github.branch_protection
	p.protected == true
	not has_checks(object.get(p, "required_status_checks", null))
	msg := none_msg(wanted)
}

deny contains {"resource": p._id, "msg": msg} if {
	wanted := data.attest.params.github_required_status_checks.required_checks
	count(wanted) > 0
	some p in input.github.branch_protection
	p.protected == true
	checks := p.required_status_checks
	has_checks(checks)
	some name in wanted
	not name in checks
	msg := sprintf("status check %q is not required (required: %s)", [name, concat(", ", [sprintf("%v", [c]) | some c in checks])])
}

has_checks(checks) if {
	is_array(checks)
	count(checks) > 0
}

none_msg([]) := "no status check is required before merging"

none_msg(wanted) := sprintf("no status check is required before merging; the policy expects %s", [concat(", ", wanted)]) if count(wanted) > 0
