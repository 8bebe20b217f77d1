# METADATA
# title: Unused AWS credentials disabled
# description: >-
#   An IAM user's console password and active access keys have each been
#   used within `max_unused_days` days before the run. A credential never
#   used is measured from when it was set up (the password's last change or
#   the user's creation, the key's creation or rotation), and one whose age
#   cannot be established is a finding.
# custom:
#   severity: medium
#   controls: [AC-09]
#   reads: [aws.iam_user]
#   pass: every enabled credential was used recently
#   params:
#     max_unused_days: 45
package attest.checks.aws_unused_credentials

day := 86400000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

limit := data.attest.params.aws_unused_credentials.max_unused_days

# A credential last used (or set up) at or before this instant has been
# idle for more than `limit` whole days.
cutoff := now_ns - ((limit + 1) * day)

key_fields := [
	{"n": 1, "active": "access_key_1_active", "rotated": "access_key_1_last_rotated", "used": "access_key_1_last_used_date"},
	{"n": 2, "active": "access_key_2_active", "rotated": "access_key_2_last_rotated", "used": "access_key_2_last_used_date"},
]

# Users with a password or an active key; root is covered by its own checks.
applies contains u._id if {
	some u in input.aws.iam_user
	u.password_enabled == true
	not u.root == true
}

applies contains u._id if {
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	not u.root == true
}

# The password: its last use, or, never used, when it was set up.
deny contains {"resource": u._id, "msg": msg} if {
	c := cutoff
	some u in input.aws.iam_user
	u.password_enabled == true
	t := u.password_last_used
	is_string(t)
	time.parse_rfc3339_ns(t) <= c
	not u.root == true
	msg := sprintf("console password last used %s, %d days ago; limit %d days", [t, days_since(t), limit])
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	u.password_enabled == true
	object.get(u, "password_last_used", null) == null
	not u.root == true
	msg := never_used_password(u)
}

never_used_password(u) := msg if {
	since := latest([object.get(u, "password_last_changed", null), object.get(u, "user_creation_time", null)])
	time.parse_rfc3339_ns(since) <= cutoff
	msg := sprintf("console password never used since it was set up on %s, %d days ago; limit %d days", [since, days_since(since), limit])
}

never_used_password(u) := "console password never used, and neither the password's last change nor the user's creation time is recorded" if {
	not latest([object.get(u, "password_last_changed", null), object.get(u, "user_creation_time", null)])
}

# Each active key: its last use, or, never used, its creation.
deny contains {"resource": u._id, "msg": msg} if {
	c := cutoff
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	t := u[k.used]
	is_string(t)
	time.parse_rfc3339_ns(t) <= c
	not u.root == true
	msg := sprintf("access key %d last used %s, %d days ago; limit %d days", [k.n, t, days_since(t), limit])
}

deny contains {"resource": u._id, "msg": msg} if {
	some u in input.aws.iam_user
	some k in key_fields
	u[k.active] == true
	object.get(u, k.used, null) == null
	not u.root == true
	msg := never_used_key(u, k)
}

never_used_key(u, k) := msg if {
	since := key_start(u, k)
	time.parse_rfc3339_ns(since) <= cutoff
	msg := sprintf("access key %d never used since it was created on %s, %d days ago; limit %d days", [k.n, since, days_since(since), limit])
}

never_used_key(u, k) := msg if {
	not key_start(u, k)
	msg := sprintf("access key %d never used, and neither its creation nor the user's creation time is recorded", [k.n])
}

# A key's creation: its last rotation, else the user's creation.
key_start(u, k) := t if {
	t := u[k.rotated]
	is_string(t)
}

key_start(u, k) := t if {
	object.get(u, k.rotated, null) == null
	t := u.user_creation_time
	is_string(t)
}

# The latest of the times given that are recorded (undefined when none is).
latest(ts) := max([t | some t in ts; is_string(t)])

days_since(t) := floor((now_ns - time.parse_rfc3339_ns(t)) / day)
