# METADATA
# title: Identity-provider accounts belong to current staff
# description: >-
#   Every identity-provider account that is not suspended or deprovisioned
#   matches, by email or login, a person the HR roster lists as active or
#   on leave, or is one of the service accounts the organization has
#   approved (`approved_service_accounts`: IDs, logins or emails).
#   Anything else is an account nobody in the roster answers for.
# custom:
#   severity: high
#   controls: [AC-05, AC-10]
#   reads: [hr.employee, idp.user]
#   pass: belongs to a current employee or an approved service account
#   params:
#     approved_service_accounts: []
package attest.checks.idp_accounts_match_employees

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

# Midnight (UTC) of the run's day.
today := now_ns - (now_ns % day)

disabled_statuses := {"suspended", "deprovisioned"}

approved := {lower(x) |
	some x in data.attest.params.idp_accounts_match_employees.approved_service_accounts
	is_string(x)
}

# The last working day is before the run's day.
ended(e) if {
	is_string(e.end_date)
	time.parse_ns("2006-01-02", e.end_date) < today
}

current_emails := {lower(e.email) |
	statuses := {"active", "leave"}
	some e in input.hr.employee
	statuses[e.status]
	not ended(e)
}

applies contains u._id if {
	some u in input.idp.user
	status := object.get(u, "status", null)
	not disabled_statuses[status]
}

# Enabled accounts with no current employee and no approval.
unmatched := [u |
	current := current_emails
	ok := approved
	some u in input.idp.user
	status := object.get(u, "status", null)
	not disabled_statuses[status]
	not matched(u, current)
	not approved_account(u, ok)
]

# Note: inside `not`, OPA evaluates a missing field used as a key or
# argument before negating, which would make the whole rule undefined; the
# lookups therefore sit in helper functions.
matched(u, current) if current[lower(u.email)]

matched(u, current) if current[lower(u.login)]

approved_account(u, ok) if ok[lower(u._id)]

approved_account(u, ok) if ok[lower(u.login)]

approved_account(u, ok) if ok[lower(u.email)]

account_keys(u) := {lower(x) |
	some x in [object.get(u, "email", null), object.get(u, "login", null)]
	is_string(x)
}

# Roster rows (former staff, or rows with an unknown status) that share an
# address with an unmatched account: read once, kept only when they match.
unmatched_keys := {k | some u in unmatched; some k in account_keys(u)}

roster_hits := [{"k": k, "row": sprintf("%s (status %v, end date %v)", [e._id, object.get(e, "status", null), object.get(e, "end_date", null)])} |
	keys := unmatched_keys
	some e in input.hr.employee
	k := lower(e.email)
	keys[k]
]

hit_keys := {h.k | some h in roster_hits}

hits := {k: rows | some k in hit_keys; rows := [h.row | some h in roster_hits; h.k == k]}

deny contains {"resource": u._id, "msg": msg} if {
	some u in unmatched
	rows := sort([r | some k in account_keys(u); some r in hits[k]])
	msg := unmatched_msg(u, rows)
}

unmatched_msg(u, rows) := sprintf("account %s (%s) matches no current employee in the HR roster; the roster has only %s for it", [
	login(u), status_text(u), concat(", ", rows),
]) if count(rows) > 0

unmatched_msg(u, []) := sprintf("account %s (%s) matches no employee in the HR roster by email or login and is not an approved service account", [
	login(u), status_text(u),
])

status_text(u) := s if {
	s := u.status
	is_string(s)
} else := "status not recorded"

login(u) := x if {
	x := u.login
	is_string(x)
} else := x if {
	x := u.email
	is_string(x)
} else := u._id
