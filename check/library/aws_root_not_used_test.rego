package attest.checks.aws_root_not_used_test

import data.attest.checks.aws_root_not_used

root(pw, k1) := {
	"_id": "<root_account>", "root": true,
	"password_last_used": pw,
	"access_key_1_last_used_date": k1,
	"access_key_2_last_used_date": null,
}

test_recent_password_use_fails if {
	got := aws_root_not_used.deny with input as {"aws": {"iam_user": [root("2026-11-20T08:00:00Z", null)]}}
	count(got) == 1
	some f in got
	f.resource == "<root_account>"
	f.msg == "root password last used 2026-11-20T08:00:00Z, 10 days before the run; the policy allows no use within 30 days"
}

test_recent_access_key_use_fails if {
	got := aws_root_not_used.deny with input as {"aws": {"iam_user": [root(null, "2026-11-29T23:00:00Z")]}}
	count(got) == 1
	some f in got
	startswith(f.msg, "root access key 1 last used")
}

test_old_use_or_never_used_passes if {
	inp := {"aws": {"iam_user": [
		root("2026-06-01T08:00:00Z", null),
		{"_id": "ana", "root": false, "password_last_used": "2026-11-29T08:00:00Z"},
	]}}
	count(aws_root_not_used.deny) == 0 with input as inp
	aws_root_not_used.applies == {"<root_account>"} with input as inp
	count(aws_root_not_used.deny) == 0 with input as {"aws": {"iam_user": [root(null, null)]}}
}

# Exactly `days` days before the run is outside the window; a second later is inside.
test_window_boundary if {
	count(aws_root_not_used.deny) == 0 with input as {"aws": {"iam_user": [root("2026-10-31T12:00:00Z", null)]}}
	count(aws_root_not_used.deny) == 1 with input as {"aws": {"iam_user": [root("2026-10-31T12:00:01Z", null)]}}
}

test_days_parameter if {
	got := aws_root_not_used.deny with input as {"aws": {"iam_user": [root("2026-06-01T08:00:00Z", null)]}}
		with data.attest.params.aws_root_not_used.days as 365
	count(got) == 1
}

test_report_without_root_row_fails if {
	got := aws_root_not_used.deny with input as {"aws": {"iam_user": [{"_id": "ana", "root": false}]}}
	count(got) == 1
}
