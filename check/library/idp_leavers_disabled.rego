# METADATA
# title: Leavers' identity-provider accounts disabled
# description: >-
#   When the HR roster shows that someone has left (status terminated, or a
#   last working day before the run), their identity-provider account,
#   matched by email or login, is suspended or deprovisioned no later than
#   `grace_days` calendar days after the last working day. An account in
#   any other status (active, locked out, staged, ...) is a finding.
# custom:
#   severity: high
#   controls: [AC-04]
#   reads: [hr.employee, idp.user]
#   pass: the leaver's account is disabled
#   params:
#     grace_days: 1
package attest.checks.idp_leavers_disabled

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

# Midnight (UTC) of the run's day.
today := now_ns - (now_ns % day)

grace := data.attest.params.idp_leavers_disabled.grace_days

disabled_statuses := {"suspended", "deprovisioned"}

date_ns(d) := time.parse_ns("2006-01-02", d)

# The last working day is before the run's day.
ended(e) if {
	is_string(e.end_date)
	date_ns(e.end_date) < today
}

# People who work here now, by email: a rehired leaver keeps their account.
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

# Their emails, less those of people who work here now (a rehired leaver
# keeps their account).
leaver_keys := {r.k | some r in leaver_rows; r.k != ""} - current_emails

# Leaver rows grouped by email, built once (OPA indexes the inner
# comprehension on k, so this is linear).
leavers := {k: es | some k in leaver_keys; es := [r.e | some r in leaver_rows; r.k == k]}

# Accounts matched to a leaver by email or login, once the grace period is
# over (or the last working day is unknown).
matches := [[u, e] |
	by_email := leavers
	some u in input.idp.user
	some f in ["email", "login"]
	some e in by_email[lower(u[f])]
	judged(e)
]

judged(e) if overdue_days(e) > grace

judged(e) if not date_ns(object.get(e, "end_date", null))

overdue_days(e) := round((today - date_ns(e.end_date)) / day)

applies contains u._id if some [u, _] in matches

deny contains {"resource": u._id, "msg": problem(u, e)} if {
	some [u, e] in matches
	status := object.get(u, "status", null)
	not disabled_statuses[status]
}

problem(u, e) := sprintf("account is still %s %d days after employee %s's last working day (%s); allowed: %s", [
	status_text(u), overdue_days(e), e._id, e.end_date, days(grace),
]) if date_ns(e.end_date)

problem(u, e) := sprintf("account is still %s, and employee %s is terminated in the HR roster with no usable end date (%v)", [
	status_text(u), e._id, object.get(e, "end_date", null),
]) if not date_ns(object.get(e, "end_date", null))

status_text(u) := s if {
	s := u.status
	is_string(s)
} else := "enabled (its status is not recorded)"

days(1) := "1 day"

days(n) := sprintf("%v days", [n]) if n != 1
