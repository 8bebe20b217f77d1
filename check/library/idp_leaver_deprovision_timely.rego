# METADATA
# title: Leavers' accounts disabled on time
# description: >-
#   For each leaver in the HR roster whose identity-provider account
#   (matched by email or login) is suspended or deprovisioned, the account's
#   last status change falls no later than `grace_days` calendar days after
#   the last working day. A later change, or one whose date or last working
#   day is unknown, is a finding.
# custom:
#   severity: medium
#   controls: [AC-04]
#   reads: [hr.employee, idp.user]
#   pass: disabled within the allowed time
#   params:
#     grace_days: 1
package attest.checks.idp_leaver_deprovision_timely

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

# Midnight (UTC) of the run's day.
today := now_ns - (now_ns % day)

grace := data.attest.params.idp_leaver_deprovision_timely.grace_days

disabled_statuses := {"suspended", "deprovisioned"}

date_ns(d) := time.parse_ns("2006-01-02", d)

# The last working day is before the run's day.
ended(e) if {
	is_string(e.end_date)
	date_ns(e.end_date) < today
}

# People who work here now, by email: a rehired leaver is not judged.
current_emails := {lower(e.email) |
	statuses := {"active", "leave"}
	some e in input.hr.employee
	statuses[e.status]
	not ended(e)
}

# Rows of people who left: terminated, or past their last working day. A
# row may appear twice; findings are a set, so that is harmless.
leaver_rows := array.concat(
	[{"k": lower(e.email), "e": e} | some e in input.hr.employee; e.status == "terminated"],
	[{"k": lower(e.email), "e": e} | some e in input.hr.employee; ended(e)],
)

leaver_keys := {r.k | some r in leaver_rows; r.k != ""} - current_emails

# Leaver rows grouped by email, built once (OPA indexes the inner
# comprehension on k, so this is linear).
leavers := {k: es | some k in leaver_keys; es := [r.e | some r in leaver_rows; r.k == k]}

# Disabled accounts matched to a leaver by email or login.
matches := [[u, e] |
	by_email := leavers
	some u in input.idp.user
	disabled_statuses[u.status]
	some f in ["email", "login"]
	some e in by_email[lower(u[f])]
]

applies contains u._id if some [u, _] in matches

deny contains {"resource": u._id, "msg": msg} if {
	some [u, e] in matches
	msg := late(u, e)
}

# The provider records only the last status change: an account suspended
# on time and deprovisioned later shows the later date, and the message
# says so.
late(u, e) := msg if {
	end := date_ns(e.end_date)
	changed := time.parse_rfc3339_ns(u.status_changed)
	n := round(((changed - (changed % day)) - end) / day)
	n > grace
	msg := sprintf("account became %s on %s (its last status change), %d days after employee %s's last working day (%s); allowed: %s", [
		u.status, substring(u.status_changed, 0, 10), n, e._id, e.end_date, days(grace),
	])
}

late(u, e) := msg if {
	date_ns(e.end_date)
	not time.parse_rfc3339_ns(object.get(u, "status_changed", null))
	msg := sprintf("account is %s, but when it was disabled is not recorded (status change time %v); employee %s's last working day was %s", [
		u.status, object.get(u, "status_changed", null), e._id, e.end_date,
	])
}

late(u, e) := msg if {
	not date_ns(object.get(e, "end_date", null))
	msg := sprintf("account is %s, but employee %s is terminated in the HR roster with no usable end date (%v), so the timing cannot be judged", [
		u.status, e._id, object.get(e, "end_date", null),
	])
}

days(1) := "1 day"

days(n) := sprintf("%v days", [n]) if n != 1
