# METADATA
# title: AWS root user not used for everyday work
# description: >-
#   The account's root user has not signed in with its password, nor had an
#   access key used, within the last `days` days before the run. Root is
#   kept for the few tasks only it can do; recent use is a finding to
#   explain, for example by a ticket for such a task.
# custom:
#   severity: medium
#   controls: [AC-08]
#   reads: [aws.iam_user]
#   pass: the root user was not used recently
#   params:
#     days: 30
package attest.checks.aws_root_not_used

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

window := data.attest.params.aws_root_not_used.days

used_fields := [
	{"field": "password_last_used", "what": "root password"},
	{"field": "access_key_1_last_used_date", "what": "root access key 1"},
	{"field": "access_key_2_last_used_date", "what": "root access key 2"},
]

applies contains u._id if {
	some u in input.aws.iam_user
	u.root == true
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	u.root == true
	some f in used_fields
	t := u[f.field]
	is_string(t)
	used := time.parse_rfc3339_ns(t)
	now_ns - used < window * day
	msg := sprintf("%s last used %s, %d days before the run; the policy allows no use within %d days", [
		f.what, t, floor((now_ns - used) / day), window,
	])
}

deny contains {"resource": "<root_account>", "msg": "the credential report has no row for the root user, so its recent use cannot be judged"} if {
	not has_root
}

has_root if {
	some u in input.aws.iam_user
	u.root == true
}
