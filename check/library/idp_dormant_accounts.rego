# METADATA
# title: No dormant identity-provider accounts
# description: >-
#   Every identity-provider account that is not suspended or deprovisioned
#   has signed in within `max_idle_days` days before the run. An account
#   that never signed in is measured from its activation (or, not yet
#   activated, its creation); one with none of these times is a finding.
# custom:
#   severity: medium
#   controls: [AC-06]
#   reads: [idp.user]
#   pass: signed in recently
#   params:
#     max_idle_days: 90
package attest.checks.idp_dormant_accounts

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

max_idle := data.attest.params.idp_dormant_accounts.max_idle_days

# An account whose reference time is at or before this instant has been
# idle for more than max_idle whole days.
cutoff := now_ns - ((max_idle + 1) * day)

disabled_statuses := {"suspended", "deprovisioned"}

applies contains u._id if {
	some u in input.idp.user
	status := object.get(u, "status", null)
	not disabled_statuses[status]
}

deny contains {"resource": u._id, "msg": msg} if {
	c := cutoff
	some u in input.idp.user
	t := u.last_login
	is_string(t)
	time.parse_rfc3339_ns(t) <= c
	status := object.get(u, "status", null)
	not disabled_statuses[status]
	msg := sprintf("no sign-in for %d days (last sign-in %s); limit %d days", [days_since(t), t, max_idle])
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.idp.user
	object.get(u, "last_login", null) == null
	status := object.get(u, "status", null)
	not disabled_statuses[status]
	msg := never_signed_in(u)
}

never_signed_in(u) := msg if {
	[what, t] := start(u)
	time.parse_rfc3339_ns(t) <= cutoff
	msg := sprintf("never signed in since it was %s on %s, %d days ago; limit %d days", [what, t, days_since(t), max_idle])
}

never_signed_in(u) := "never signed in, and neither its activation nor its creation time is recorded" if not start(u)

start(u) := ["activated", t] if {
	t := u.activated
	is_string(t)
} else := ["created", t] if {
	t := u.created
	is_string(t)
}

days_since(t) := floor((now_ns - time.parse_rfc3339_ns(t)) / day)
