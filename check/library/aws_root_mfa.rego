# METADATA
# title: MFA on the AWS root user
# description: >-
#   The account's root user has an MFA device. Root can do anything in the
#   account and no IAM policy limits it, so its password alone must never be
#   enough to sign in. A credential report without a root row is a finding,
#   since root's MFA cannot then be confirmed.
# custom:
#   severity: critical
#   controls: [AC-08]
#   reads: [aws.iam_user]
#   pass: the root user has an MFA device
package attest.checks.aws_root_mfa

applies contains u._id if {
	some u in input.aws.iam_user
	u.root == true
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	u.root == true
	not u.mfa_active == true
	msg := sprintf("the root user has no MFA device (mfa_active is %v)", [object.get(u, "mfa_active", null)])
}

deny contains {"resource": "<root_account>", "msg": "the credential report has no row for the root user, so its MFA cannot be confirmed"} if {
	not has_root
}

has_root if {
	some u in input.aws.iam_user
	u.root == true
}
