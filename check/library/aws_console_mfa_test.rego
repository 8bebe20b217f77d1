package attest.checks.aws_console_mfa_test

import data.attest.checks.aws_console_mfa

test_user_without_mfa_fails if {
	got := aws_console_mfa.deny with input as {"aws": {"iam_user": [
		{"_id": "dana", "root": false, "password_enabled": true, "mfa_active": false},
	]}}
	count(got) == 1
	some f in got
	f.resource == "dana"
}

test_user_with_mfa_or_no_password_passes if {
	got := aws_console_mfa.deny with input as {"aws": {"iam_user": [
		{"_id": "ana", "root": false, "password_enabled": true, "mfa_active": true},
		{"_id": "ci-bot", "root": false, "password_enabled": false, "mfa_active": false},
		{"_id": "<root_account>", "root": true, "password_enabled": false, "mfa_active": false},
	]}}
	count(got) == 0
}
