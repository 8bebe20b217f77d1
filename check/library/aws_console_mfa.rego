# METADATA
# title: MFA for every AWS console user
# description: >-
#   Every IAM user who can sign in to the AWS console with a password has
#   an MFA device. The account's root user is covered by its own check.
# custom:
#   severity: high
#   controls: [AC-02]
#   reads: [aws.iam_user]
#   subject: aws.iam_user
#   pass: has MFA or cannot sign in with a password
package attest.checks.aws_console_mfa

deny contains {"resource": u._id, "msg": "can sign in to the console with a password but has no MFA device"} if {
	some u in input.aws.iam_user
	not u.root
	u.password_enabled
	not u.mfa_active
}
