# METADATA
# title: No access keys on the AWS root user
# description: >-
#   The account's root user has no active access key. A root key gives
#   unrestricted programmatic access that no IAM policy can narrow, so
#   automation and people should use IAM roles or users instead. A
#   credential report without a root row is a finding.
# custom:
#   severity: critical
#   controls: [AC-08]
#   reads: [aws.iam_user]
#   pass: the root user has no active access key
package attest.checks.aws_root_no_access_keys

key_fields := [
	{"n": 1, "active": "access_key_1_active", "rotated": "access_key_1_last_rotated", "used": "access_key_1_last_used_date"},
	{"n": 2, "active": "access_key_2_active", "rotated": "access_key_2_last_rotated", "used": "access_key_2_last_used_date"},
]

applies contains u._id if {
	some u in input.aws.iam_user
	u.root == true
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	u.root == true
	some k in key_fields
	u[k.active] == true
	msg := sprintf("root access key %d is active (created or last rotated %s, last used %s)", [
		k.n,
		shown(object.get(u, k.rotated, null)),
		shown(object.get(u, k.used, null)),
	])
}

deny contains {"resource": "<root_account>", "msg": "the credential report has no row for the root user, so the absence of root access keys cannot be confirmed"} if {
	not has_root
}

has_root if {
	some u in input.aws.iam_user
	u.root == true
}

shown(null) := "unknown"

shown(v) := v if v != null
