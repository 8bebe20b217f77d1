# METADATA
# title: AWS access keys rotated on schedule
# description: >-
#   Every active access key of an IAM user was created or last rotated
#   within `max_age_days` days before the run. An active key whose rotation
#   date is not recorded is a finding. Root keys are left to the check that
#   forbids them.
# custom:
#   severity: medium
#   controls: [AC-09]
#   reads: [aws.iam_user]
#   pass: every active access key is within the rotation limit
#   params:
#     max_age_days: 90
package attest.checks.aws_access_key_rotation

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

max_age := data.attest.params.aws_access_key_rotation.max_age_days

# A key rotated at or before this instant is more than max_age whole days
# old. Comparing against it keeps arithmetic out of the per-record loop.
cutoff := now_ns - ((max_age + 1) * day)

key_fields := [
	{"n": 1, "active": "access_key_1_active", "rotated": "access_key_1_last_rotated"},
	{"n": 2, "active": "access_key_2_active", "rotated": "access_key_2_last_rotated"},
]

# Users with at least one active key are the ones judged.
applies contains u._id if {
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	not u.root == true
}

deny contains {"resource": u._id, "msg": msg} if {
	c := cutoff
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	t := u[k.rotated]
	is_string(t)
	time.parse_rfc3339_ns(t) <= c
	not u.root == true
	age := floor((now_ns - time.parse_rfc3339_ns(t)) / day)
	msg := sprintf("access key %d is %d days old (last rotated %s); limit %d days", [k.n, age, t, max_age])
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	not is_string(object.get(u, k.rotated, null))
	not u.root == true
	msg := sprintf("access key %d is active but its creation or rotation date is not recorded", [k.n])
}
