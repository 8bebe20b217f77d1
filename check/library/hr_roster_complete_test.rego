package attest.checks.hr_roster_complete_test

import data.attest.checks.hr_roster_complete

deny_for(e) := d if {
	d := hr_roster_complete.deny with input as {"hr": {"employee": [e]}}
}

test_complete_rows_pass if {
	count(hr_roster_complete.deny) == 0 with input as {"hr": {"employee": [
		{"_id": "E1", "email": "ana@example.com", "status": "active", "start_date": "2024-02-01", "end_date": null},
		{"_id": "E2", "email": "ben@example.com", "status": "leave", "start_date": "2023-05-15", "end_date": "2027-01-31"},
		{"_id": "E3", "email": "cy@example.com", "status": "terminated", "start_date": null, "end_date": "2026-10-01"},
	]}}
}

test_active_row_without_email_or_start_date_fails if {
	got := deny_for({"_id": "E1", "email": "", "status": "active", "start_date": null})
	{f.msg | some f in got} == {"no email address, so the row cannot be matched to any account", "active with no start date"}
}

test_missing_columns_fail if {
	got := deny_for({"_id": "E1", "status": "leave"})
	{f.msg | some f in got} == {"no email address, so the row cannot be matched to any account", "leave with no start date"}
}

test_terminated_row_without_end_date_fails if {
	got := deny_for({"_id": "E3", "email": "cy@example.com", "status": "terminated", "end_date": null})
	count(got) == 1
	some f in got
	f.resource == "E3"
	f.msg == "terminated with no end date (last working day)"
	count(deny_for({"_id": "E3", "email": "cy@example.com", "status": "terminated"})) == 1
}

test_email_without_at_sign_fails if {
	got := deny_for({"_id": "E5", "email": "eve", "status": "active", "start_date": "2024-01-01"})
	{f.msg | some f in got} == {"email \"eve\" is not an email address"}
}
