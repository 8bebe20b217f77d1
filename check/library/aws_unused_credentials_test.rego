package attest.checks.aws_unused_credentials_test

import data.attest.checks.aws_unused_credentials

pw_user(last_used, changed, created) := {
	"_id": "dana", "root": false, "password_enabled": true,
	"password_last_used": last_used, "password_last_changed": changed, "user_creation_time": created,
	"access_key_1_active": false, "access_key_2_active": false,
}

key_user(used, rotated) := {
	"_id": "ci", "root": false, "password_enabled": false, "user_creation_time": "2024-01-01T00:00:00Z",
	"access_key_1_active": true, "access_key_1_last_used_date": used, "access_key_1_last_rotated": rotated,
	"access_key_2_active": false, "access_key_2_last_used_date": null, "access_key_2_last_rotated": null,
}

deny_for(u) := d if {
	d := aws_unused_credentials.deny with input as {"aws": {"iam_user": [u]}}
}

test_idle_password_fails if {
	got := deny_for(pw_user("2026-09-01T12:00:00Z", "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"))
	count(got) == 1
	some f in got
	f.resource == "dana"
	f.msg == "console password last used 2026-09-01T12:00:00Z, 90 days ago; limit 45 days"
}

test_never_used_password_of_old_user_fails if {
	got := deny_for(pw_user(null, null, "2026-01-01T00:00:00Z"))
	count(got) == 1
	some f in got
	startswith(f.msg, "console password never used since it was set up on 2026-01-01T00:00:00Z, 333 days ago")
}

test_never_used_password_set_recently_passes if {
	count(deny_for(pw_user(null, "2026-11-25T00:00:00Z", "2024-01-01T00:00:00Z"))) == 0
	count(deny_for(pw_user(null, null, "2026-11-25T00:00:00Z"))) == 0
}

test_never_used_password_with_no_dates_fails if {
	got := deny_for(pw_user(null, null, null))
	count(got) == 1
	some f in got
	contains(f.msg, "neither")
}

# 45 whole days is within the limit; 46 is not.
test_password_limit_boundary if {
	count(deny_for(pw_user("2026-10-16T00:00:00Z", null, null))) == 0
	count(deny_for(pw_user("2026-10-15T00:00:00Z", null, null))) == 1
}

test_idle_key_fails if {
	got := deny_for(key_user("2026-07-01T00:00:00Z", "2026-01-01T00:00:00Z"))
	count(got) == 1
	some f in got
	f.resource == "ci"
	startswith(f.msg, "access key 1 last used 2026-07-01T00:00:00Z, 152 days ago")
}

test_never_used_key_measured_from_creation if {
	count(deny_for(key_user(null, "2026-11-20T00:00:00Z"))) == 0
	got := deny_for(key_user(null, "2026-05-01T00:00:00Z"))
	count(got) == 1
	some f in got
	startswith(f.msg, "access key 1 never used since it was created on 2026-05-01T00:00:00Z")
}

test_never_used_key_without_rotation_uses_user_creation if {
	got := deny_for(key_user(null, null))
	count(got) == 1
	some f in got
	contains(f.msg, "2024-01-01T00:00:00Z")
}

test_used_credentials_pass if {
	inp := {"aws": {"iam_user": [
		pw_user("2026-11-29T00:00:00Z", null, "2020-01-01T00:00:00Z"),
		key_user("2026-11-28T00:00:00Z", "2025-01-01T00:00:00Z"),
		{"_id": "old", "root": false, "password_enabled": false, "access_key_1_active": false, "access_key_2_active": false},
		{"_id": "<root_account>", "root": true, "password_enabled": false, "access_key_1_active": true, "access_key_1_last_used_date": "2019-01-01T00:00:00Z"},
	]}}
	count(aws_unused_credentials.deny) == 0 with input as inp
	aws_unused_credentials.applies == {"dana", "ci"} with input as inp
}

test_max_unused_days_parameter if {
	got := aws_unused_credentials.deny with input as {"aws": {"iam_user": [key_user("2026-11-01T00:00:00Z", null)]}}
		with data.attest.params.aws_unused_credentials.max_unused_days as 7
	count(got) == 1
}
