package attest.checks.aws_root_no_access_keys_test

import data.attest.checks.aws_root_no_access_keys

root(k1, k2) := {
	"_id": "<root_account>", "root": true,
	"access_key_1_active": k1, "access_key_1_last_rotated": "2025-01-10T08:00:00Z", "access_key_1_last_used_date": null,
	"access_key_2_active": k2, "access_key_2_last_rotated": null, "access_key_2_last_used_date": null,
}

test_root_with_active_key_fails if {
	got := aws_root_no_access_keys.deny with input as {"aws": {"iam_user": [root(true, false)]}}
	count(got) == 1
	some f in got
	f.resource == "<root_account>"
	f.msg == "root access key 1 is active (created or last rotated 2025-01-10T08:00:00Z, last used unknown)"
}

test_root_with_two_active_keys_has_two_findings if {
	got := aws_root_no_access_keys.deny with input as {"aws": {"iam_user": [root(true, true)]}}
	count(got) == 2
}

test_root_without_keys_passes if {
	inp := {"aws": {"iam_user": [
		root(false, false),
		{"_id": "ci", "root": false, "access_key_1_active": true, "access_key_2_active": false},
	]}}
	count(aws_root_no_access_keys.deny) == 0 with input as inp
	aws_root_no_access_keys.applies == {"<root_account>"} with input as inp
}

test_root_with_inactive_key_columns_missing_passes if {
	count(aws_root_no_access_keys.deny) == 0 with input as {"aws": {"iam_user": [{"_id": "<root_account>", "root": true}]}}
}

test_report_without_root_row_fails if {
	got := aws_root_no_access_keys.deny with input as {"aws": {"iam_user": [{"_id": "ci", "root": false, "access_key_1_active": true}]}}
	count(got) == 1
	some f in got
	f.resource == "<root_account>"
}
