package attest.checks.idp_dormant_accounts_test

import data.attest.checks.idp_dormant_accounts

acct(status, last, activated, created) := {"_id": "00u1", "login": "dana@example.com", "status": status, "last_login": last, "activated": activated, "created": created}

deny_for(u) := d if {
	d := idp_dormant_accounts.deny with input as {"idp": {"user": [u]}}
}

test_idle_account_fails if {
	got := deny_for(acct("active", "2026-08-02T12:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"))
	count(got) == 1
	some f in got
	f.resource == "00u1"
	f.msg == "no sign-in for 120 days (last sign-in 2026-08-02T12:00:00Z); limit 90 days"
}

test_never_signed_in_measured_from_activation if {
	got := deny_for(acct("active", null, "2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z"))
	count(got) == 1
	some f in got
	startswith(f.msg, "never signed in since it was activated on 2026-03-01T00:00:00Z")
	count(deny_for(acct("active", null, "2026-11-01T00:00:00Z", "2026-02-01T00:00:00Z"))) == 0
}

test_staged_account_measured_from_creation if {
	got := deny_for(acct("staged", null, null, "2026-01-15T00:00:00Z"))
	count(got) == 1
	some f in got
	startswith(f.msg, "never signed in since it was created on 2026-01-15T00:00:00Z")
}

test_no_times_at_all_fails if {
	got := deny_for({"_id": "00u1", "status": "active"})
	count(got) == 1
	some f in got
	contains(f.msg, "neither its activation nor its creation time")
}

# 90 whole days idle is within the limit; 91 is not.
test_limit_boundary if {
	count(deny_for(acct("active", "2026-09-01T00:00:00Z", null, null))) == 0
	count(deny_for(acct("active", "2026-08-31T12:00:00Z", null, null))) == 1
}

test_recent_and_disabled_accounts_pass if {
	inp := {"idp": {"user": [
		{"_id": "a", "status": "active", "last_login": "2026-11-29T08:00:00Z"},
		{"_id": "b", "status": "deprovisioned", "last_login": "2020-01-01T00:00:00Z"},
		{"_id": "c", "status": "suspended", "last_login": null, "activated": null, "created": null},
	]}}
	count(idp_dormant_accounts.deny) == 0 with input as inp
	idp_dormant_accounts.applies == {"a"} with input as inp
}

test_max_idle_days_parameter if {
	got := idp_dormant_accounts.deny with input as {"idp": {"user": [acct("active", "2026-11-01T00:00:00Z", null, null)]}}
		with data.attest.params.idp_dormant_accounts.max_idle_days as 14
	count(got) == 1
}
