package attest.checks.aws_access_key_rotation_test

import data.attest.checks.aws_access_key_rotation

user(id, a1, r1, a2, r2) := {
	"_id": id, "root": false,
	"access_key_1_active": a1, "access_key_1_last_rotated": r1,
	"access_key_2_active": a2, "access_key_2_last_rotated": r2,
}

test_old_key_fails if {
	got := aws_access_key_rotation.deny with input as {"aws": {"iam_user": [
		user("ci", true, "2026-08-02T12:00:00Z", false, null),
	]}}
	count(got) == 1
	some f in got
	f.resource == "ci"
	f.msg == "access key 1 is 120 days old (last rotated 2026-08-02T12:00:00Z); limit 90 days"
}

test_second_key_is_judged_too if {
	got := aws_access_key_rotation.deny with input as {"aws": {"iam_user": [
		user("ci", true, "2026-11-01T00:00:00Z", true, "2025-11-01T00:00:00Z"),
	]}}
	count(got) == 1
	some f in got
	startswith(f.msg, "access key 2 is 394 days old")
}

test_active_key_with_null_rotation_fails if {
	got := aws_access_key_rotation.deny with input as {"aws": {"iam_user": [
		user("ci", true, null, false, null),
	]}}
	count(got) == 1
	some f in got
	contains(f.msg, "not recorded")
}

test_recent_or_inactive_keys_pass if {
	inp := {"aws": {"iam_user": [
		user("ci", true, "2026-11-01T00:00:00Z", false, "2020-01-01T00:00:00Z"),
		user("ana", false, null, false, null),
		{"_id": "<root_account>", "root": true, "access_key_1_active": true, "access_key_1_last_rotated": "2020-01-01T00:00:00Z"},
	]}}
	count(aws_access_key_rotation.deny) == 0 with input as inp
	aws_access_key_rotation.applies == {"ci"} with input as inp
}

# 90 whole days is within the limit; 91 is not.
test_limit_boundary if {
	count(aws_access_key_rotation.deny) == 0 with input as {"aws": {"iam_user": [user("ci", true, "2026-09-01T00:00:00Z", false, null)]}}
	count(aws_access_key_rotation.deny) == 1 with input as {"aws": {"iam_user": [user("ci", true, "2026-08-31T12:00:00Z", false, null)]}}
}

test_max_age_parameter if {
	got := aws_access_key_rotation.deny with input as {"aws": {"iam_user": [user("ci", true, "2026-11-01T00:00:00Z", false, null)]}}
		with data.attest.params.aws_access_key_rotation.max_age_days as 14
	count(got) == 1
}
