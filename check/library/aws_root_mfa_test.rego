package attest.checks.aws_root_mfa_test

import data.attest.checks.aws_root_mfa

root(mfa) := {"_id": "<root_account>", "root": true, "password_enabled": false, "mfa_active": mfa}

test_root_without_mfa_fails if {
	got := aws_root_mfa.deny with input as {"aws": {"iam_user": [root(false)]}}
	count(got) == 1
	some f in got
	f.resource == "<root_account>"
	contains(f.msg, "no MFA device")
}

test_root_with_null_mfa_fails if {
	got := aws_root_mfa.deny with input as {"aws": {"iam_user": [root(null)]}}
	count(got) == 1
}

test_root_with_mfa_passes if {
	inp := {"aws": {"iam_user": [
		root(true),
		{"_id": "dana", "root": false, "password_enabled": true, "mfa_active": false},
	]}}
	count(aws_root_mfa.deny) == 0 with input as inp
	aws_root_mfa.applies == {"<root_account>"} with input as inp
}

test_report_without_root_row_fails if {
	got := aws_root_mfa.deny with input as {"aws": {"iam_user": [
		{"_id": "ana", "root": false, "password_enabled": true, "mfa_active": true},
	]}}
	count(got) == 1
	some f in got
	f.resource == "<root_account>"
	contains(f.msg, "no row for the root user")
}
