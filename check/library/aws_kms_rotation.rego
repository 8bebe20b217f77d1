# METADATA
# title: Customer-managed KMS keys rotate automatically
# description: >-
#   Every customer-managed symmetric encryption key in AWS KMS has automatic
#   key rotation turned on. Keys managed by AWS, asymmetric and HMAC keys,
#   keys with imported or external key material, and keys pending deletion
#   cannot or need not rotate and are not judged; neither is an AWS Config
#   item that does not record the rotation status.
# custom:
#   severity: medium
#   controls: [CRY-03]
#   reads: [aws.config_item, terraform.resource]
#   pass: automatic key rotation is on
package attest.checks.aws_kms_rotation

config_keys := [r |
	some r in input.aws.config_item
	r.resource_type == "AWS::KMS::Key"
	live(r)
	c := conf(r)
	c.keyManager == "CUSTOMER"
	rotatable(c)
	not leaving(c)
	is_boolean(rotation_status(r))
]

tf_keys := [r |
	some r in input.terraform.resource
	r.type == "aws_kms_key"
	tf_live(r)
	object.get(r.values, "customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	object.get(r.values, "key_usage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	object.get(r.values, "custom_key_store_id", "") in {"", null}
]

applies contains r._id if some r in config_keys

applies contains r._id if some r in tf_keys

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_keys
	rotation_status(r) == false
	msg := sprintf("customer-managed key %s%s does not rotate automatically", [object.get(conf(r), "keyId", object.get(r, "resource_id", r._id)), description(conf(r))])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_keys
	not tf_rotates(r)
	msg := sprintf("%s: the plan leaves automatic key rotation off (enable_key_rotation is %s)", [object.get(r, "address", r._id), shown(object.get(r.values, "enable_key_rotation", null))])
}

leaving(c) if c.keyState in {"PendingDeletion", "PendingReplicaDeletion"}

# Only symmetric encryption keys with key material from KMS itself rotate.
rotatable(c) if {
	object.get(c, "keySpec", object.get(c, "customerMasterKeySpec", "SYMMETRIC_DEFAULT")) == "SYMMETRIC_DEFAULT"
	object.get(c, "keyUsage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	object.get(c, "origin", "AWS_KMS") == "AWS_KMS"
}

tf_rotates(r) if r.values.enable_key_rotation == true

# AWS Config keeps the status as supplementary KeyRotationStatus (a boolean,
# or its text); a configuration field keyRotationEnabled is read as well.
rotation_status(r) := s if {
	s := supp(r, "KeyRotationStatus")
	is_boolean(s)
} else := s if {
	s := conf(r).keyRotationEnabled
	is_boolean(s)
}

description(c) := sprintf(" (%s)", [c.description]) if {
	is_string(c.description)
	c.description != ""
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
