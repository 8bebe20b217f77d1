package attest.checks.idp_accounts_match_employees_test

import data.attest.checks.idp_accounts_match_employees

emp(id, email, status, end) := {"_id": id, "employee_id": id, "email": email, "status": status, "end_date": end}

acct(id, login, email, status) := {"_id": id, "login": login, "email": email, "status": status}

roster := [
	emp("E1", "Ana@Example.com", "active", null),
	emp("E2", "ben@example.com", "leave", "2027-03-31"),
	emp("E3", "cy@example.com", "terminated", "2026-10-01"),
	emp("E4", "dee@example.com", "active", "2026-11-15"),
]

run(accts) := d if {
	d := idp_accounts_match_employees.deny with input as {"hr": {"employee": roster}, "idp": {"user": accts}}
}

test_unknown_account_fails if {
	got := run([acct("00u9", "ghost@example.com", "ghost@example.com", "active")])
	count(got) == 1
	some f in got
	f.resource == "00u9"
	f.msg == "account ghost@example.com (active) matches no employee in the HR roster by email or login and is not an approved service account"
}

test_account_of_former_employee_fails_and_names_the_row if {
	got := run([acct("00u3", "cy@example.com", "cy@example.com", "active")])
	count(got) == 1
	some f in got
	f.msg == "account cy@example.com (active) matches no current employee in the HR roster; the roster has only E3 (status terminated, end date 2026-10-01) for it"
}

test_active_status_past_end_date_is_not_current if {
	count(run([acct("00u4", "dee@example.com", "dee@example.com", "locked_out")])) == 1
}

test_current_staff_pass_by_email_or_login if {
	accts := [
		acct("00u1", "ana@example.com", "ana@example.com", "active"),
		acct("00u2", "ben@example.com", "ben.private@mail.test", "password_expired"),
	]
	count(run(accts)) == 0
}

test_disabled_accounts_are_not_judged if {
	accts := [acct("00u3", "cy@example.com", "cy@example.com", "deprovisioned"), acct("00u9", "ghost@example.com", null, "suspended")]
	count(run(accts)) == 0
	count(idp_accounts_match_employees.applies) == 0 with input as {"hr": {"employee": roster}, "idp": {"user": accts}}
}

test_account_with_no_email_or_login_fails if {
	got := run([{"_id": "00u7", "status": "staged", "login": null, "email": null}])
	count(got) == 1
	some f in got
	startswith(f.msg, "account 00u7 (staged)")
}

test_approved_service_account_passes if {
	accts := [acct("00u8", "ci-bot@example.com", null, "active"), acct("00u9", "scanner", null, "active")]
	got := idp_accounts_match_employees.deny with input as {"hr": {"employee": roster}, "idp": {"user": accts}}
		with data.attest.params.idp_accounts_match_employees.approved_service_accounts as ["CI-Bot@example.com", "00u9"]
	count(got) == 0
	count(run(accts)) == 2
}

test_account_with_missing_fields_is_judged if {
	got := run([{"_id": "00u6", "login": "x@example.com"}])
	count(got) == 1
	some f in got
	startswith(f.msg, "account x@example.com (status not recorded) matches no employee")
}
