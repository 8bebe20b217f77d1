package attest.checks.idp_leavers_disabled_test

import data.attest.checks.idp_leavers_disabled

emp(id, email, status, end) := {"_id": id, "employee_id": id, "email": email, "status": status, "start_date": "2020-01-01", "end_date": end}

acct(id, login, status) := {"_id": id, "login": login, "email": login, "status": status}

run(emps, accts) := d if {
	d := idp_leavers_disabled.deny with input as {"hr": {"employee": emps}, "idp": {"user": accts}}
}

test_active_account_of_leaver_fails if {
	got := run([emp("E1", "Dana@Example.com", "terminated", "2026-11-20")], [acct("00u1", "dana@example.com", "active")])
	count(got) == 1
	some f in got
	f.resource == "00u1"
	f.msg == "account is still active 10 days after employee E1's last working day (2026-11-20); allowed: 1 day"
}

test_locked_out_account_counts_as_not_disabled if {
	count(run([emp("E1", "dana@example.com", "terminated", "2026-11-01")], [acct("00u1", "dana@example.com", "locked_out")])) == 1
}

test_matched_by_login_when_email_differs if {
	got := run(
		[emp("E1", "dana@example.com", "terminated", "2026-11-01")],
		[{"_id": "00u1", "login": "DANA@example.com", "email": "dana.personal@mail.test", "status": "active"}],
	)
	count(got) == 1
}

test_past_end_date_with_active_status_fails if {
	count(run([emp("E1", "dana@example.com", "active", "2026-11-01")], [acct("00u1", "dana@example.com", "active")])) == 1
}

test_terminated_without_end_date_fails if {
	got := run([emp("E1", "dana@example.com", "terminated", null)], [acct("00u1", "dana@example.com", "active")])
	count(got) == 1
	some f in got
	contains(f.msg, "no usable end date")
}

test_disabled_accounts_pass if {
	emps := [emp("E1", "dana@example.com", "terminated", "2026-11-01"), emp("E2", "eli@example.com", "terminated", "2026-10-01")]
	accts := [acct("00u1", "dana@example.com", "suspended"), acct("00u2", "eli@example.com", "deprovisioned")]
	count(run(emps, accts)) == 0
	idp_leavers_disabled.applies == {"00u1", "00u2"} with input as {"hr": {"employee": emps}, "idp": {"user": accts}}
}

# Last day yesterday: within the one-day grace. Two days ago: late.
test_grace_boundary if {
	count(run([emp("E1", "dana@example.com", "terminated", "2026-11-29")], [acct("00u1", "dana@example.com", "active")])) == 0
	count(run([emp("E1", "dana@example.com", "terminated", "2026-11-28")], [acct("00u1", "dana@example.com", "active")])) == 1
	count(run([emp("E1", "dana@example.com", "terminated", "2026-12-15")], [acct("00u1", "dana@example.com", "active")])) == 0
}

test_grace_days_parameter if {
	got := idp_leavers_disabled.deny with input as {
		"hr": {"employee": [emp("E1", "dana@example.com", "terminated", "2026-11-25")]},
		"idp": {"user": [acct("00u1", "dana@example.com", "active")]},
	}
		with data.attest.params.idp_leavers_disabled.grace_days as 7
	count(got) == 0
}

test_rehired_person_keeps_account if {
	emps := [emp("E1", "dana@example.com", "terminated", "2025-03-01"), emp("E9", "dana@example.com", "active", null)]
	count(run(emps, [acct("00u1", "dana@example.com", "active")])) == 0
}

test_current_employees_and_unmatched_accounts_pass if {
	emps := [emp("E1", "dana@example.com", "active", null), emp("E2", "eli@example.com", "leave", "2027-01-31")]
	accts := [acct("00u1", "dana@example.com", "active"), acct("00u2", "eli@example.com", "active"), acct("00u3", "svc@example.com", "active")]
	count(run(emps, accts)) == 0
}

test_missing_fields_do_not_hide_a_leaver if {
	got := run([{"_id": "E1", "email": "dana@example.com", "status": "terminated"}], [{"_id": "00u1", "email": "dana@example.com"}])
	count(got) == 1
	some f in got
	f.msg == "account is still enabled (its status is not recorded), and employee E1 is terminated in the HR roster with no usable end date (null)"
}
