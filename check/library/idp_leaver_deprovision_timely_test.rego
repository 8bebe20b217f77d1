package attest.checks.idp_leaver_deprovision_timely_test

import data.attest.checks.idp_leaver_deprovision_timely

emp(id, email, status, end) := {"_id": id, "employee_id": id, "email": email, "status": status, "end_date": end}

acct(id, login, status, changed) := {"_id": id, "login": login, "email": login, "status": status, "status_changed": changed}

run(emps, accts) := d if {
	d := idp_leaver_deprovision_timely.deny with input as {"hr": {"employee": emps}, "idp": {"user": accts}}
}

test_late_deprovisioning_fails if {
	got := run(
		[emp("E1", "dana@example.com", "terminated", "2026-11-02")],
		[acct("00u1", "Dana@Example.com", "deprovisioned", "2026-11-06T15:30:00Z")],
	)
	count(got) == 1
	some f in got
	f.resource == "00u1"
	f.msg == "account became deprovisioned on 2026-11-06 (its last status change), 4 days after employee E1's last working day (2026-11-02); allowed: 1 day"
}

# Disabled the next day: on time; two days later: late.
test_grace_boundary if {
	count(run([emp("E1", "dana@example.com", "terminated", "2026-11-02")], [acct("00u1", "dana@example.com", "suspended", "2026-11-03T23:59:59Z")])) == 0
	count(run([emp("E1", "dana@example.com", "terminated", "2026-11-02")], [acct("00u1", "dana@example.com", "suspended", "2026-11-04T00:00:00Z")])) == 1
}

test_disabled_before_or_on_last_day_passes if {
	emps := [emp("E1", "dana@example.com", "terminated", "2026-11-02"), emp("E2", "eli@example.com", "terminated", "2026-12-20")]
	accts := [acct("00u1", "dana@example.com", "suspended", "2026-11-02T17:00:00Z"), acct("00u2", "eli@example.com", "suspended", "2026-11-29T10:00:00Z")]
	count(run(emps, accts)) == 0
	idp_leaver_deprovision_timely.applies == {"00u1", "00u2"} with input as {"hr": {"employee": emps}, "idp": {"user": accts}}
}

test_unknown_status_change_fails if {
	got := run([emp("E1", "dana@example.com", "terminated", "2026-11-02")], [acct("00u1", "dana@example.com", "deprovisioned", null)])
	count(got) == 1
	some f in got
	contains(f.msg, "not recorded")
}

test_unknown_end_date_fails if {
	got := run([emp("E1", "dana@example.com", "terminated", null)], [acct("00u1", "dana@example.com", "deprovisioned", "2026-11-06T15:30:00Z")])
	count(got) == 1
	some f in got
	contains(f.msg, "no usable end date")
}

test_active_accounts_and_current_staff_are_not_judged if {
	emps := [emp("E1", "dana@example.com", "terminated", "2026-01-01"), emp("E2", "eli@example.com", "active", null)]
	accts := [acct("00u1", "dana@example.com", "active", "2020-01-01T00:00:00Z"), acct("00u2", "eli@example.com", "suspended", "2026-11-06T15:30:00Z")]
	count(run(emps, accts)) == 0
	count(idp_leaver_deprovision_timely.applies) == 0 with input as {"hr": {"employee": emps}, "idp": {"user": accts}}
}

test_grace_days_parameter if {
	got := idp_leaver_deprovision_timely.deny with input as {
		"hr": {"employee": [emp("E1", "dana@example.com", "terminated", "2026-11-02")]},
		"idp": {"user": [acct("00u1", "dana@example.com", "deprovisioned", "2026-11-06T15:30:00Z")]},
	}
		with data.attest.params.idp_leaver_deprovision_timely.grace_days as 5
	count(got) == 0
}

test_missing_status_change_field_fails if {
	got := run([emp("E1", "dana@example.com", "terminated", "2026-11-02")], [{"_id": "00u1", "email": "dana@example.com", "status": "suspended"}])
	count(got) == 1
}
