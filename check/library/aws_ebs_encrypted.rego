# METADATA
# title: EBS volumes are encrypted
# description: >-
#   Every EBS volume is encrypted at rest. AWS Config items are read from the
#   volume's encrypted setting; in a Terraform plan an aws_ebs_volume must set
#   encrypted to true, or leave it unset in a plan that turns on the
#   account's EBS encryption by default (aws_ebs_encryption_by_default).
# custom:
#   severity: high
#   controls: [CRY-01]
#   reads: [aws.config_item, terraform.resource]
#   pass: the volume is encrypted
package attest.checks.aws_ebs_encrypted

config_volumes := [r |
	some r in input.aws.config_item
	r.resource_type == "AWS::EC2::Volume"
	live(r)
]

tf_volumes := [r |
	some r in input.terraform.resource
	r.type == "aws_ebs_volume"
	tf_live(r)
]

applies contains r._id if some r in config_volumes

applies contains r._id if some r in tf_volumes

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_volumes
	not conf_encrypted(r)
	c := conf(r)
	msg := sprintf("volume %s%s is not encrypted (encrypted is %s)", [object.get(c, "volumeId", object.get(r, "resource_id", r._id)), attached(c), shown(object.get(c, "encrypted", null))])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_volumes
	not tf_encrypted(r)
	msg := sprintf("%s: the plan leaves the volume unencrypted (encrypted is %s%s)", [object.get(r, "address", r._id), shown(object.get(r.values, "encrypted", null)), default_note(r)])
}

conf_encrypted(r) if conf(r).encrypted == true

tf_encrypted(r) if r.values.encrypted == true

tf_encrypted(r) if {
	object.get(r.values, "encrypted", null) == null
	encryption_by_default
}

encryption_by_default if {
	some r in input.terraform.resource
	r.type == "aws_ebs_encryption_by_default"
	tf_live(r)
	object.get(r.values, "enabled", true) == true
}

default_note(r) := " and the plan does not turn on EBS encryption by default" if object.get(r.values, "encrypted", null) == null

default_note(r) := "" if object.get(r.values, "encrypted", null) != null

attached(c) := sprintf(" (attached to %s)", [concat(", ", ids)]) if {
	ids := [a.instanceId | some a in c.attachments; is_string(a.instanceId)]
	count(ids) > 0
} else := ""

shown(null) := "not set"

shown(v) := sprintf("%v", [v]) if v != null

# --- records (the same helpers in every AWS Config and Terraform check) ---

# AWS Config items of resources that exist and whose configuration was
# recorded (not resource_deleted, resource_not_recorded, ...).
live(r) if not gone(r)

gone(r) if regex.match(`deleted|not_?recorded`, lower(r.status))

# configuration and supplementary_configuration values are objects, or JSON
# text as some AWS Config APIs return them.
conf(r) := c if {
	c := r.configuration
	is_object(c)
} else := c if {
	c := json.unmarshal(r.configuration)
	is_object(c)
} else := {}

supp(r, key) := v if {
	v := r.supplementary_configuration[key]
	not is_string(v)
} else := v if {
	v := json.unmarshal(r.supplementary_configuration[key])
}

# Terraform resources managed by the plan and still there after it applies.
tf_live(r) if {
	object.get(r, "mode", "managed") != "data"
	is_object(r.values)
	not deleting(r)
}

deleting(r) if r.actions == ["delete"]
