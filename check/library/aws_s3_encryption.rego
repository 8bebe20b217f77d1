# METADATA
# title: S3 buckets encrypt objects by default
# description: >-
#   Every S3 bucket has a default server-side encryption rule, so objects are
#   encrypted at rest when written. AWS Config items are read from the
#   bucket's ServerSideEncryptionConfiguration; in a Terraform plan the rule
#   comes from an aws_s3_bucket_server_side_encryption_configuration resource
#   for the bucket or the bucket's own (older) encryption block.
# custom:
#   severity: high
#   controls: [CRY-01]
#   reads: [aws.config_item, terraform.resource]
#   pass: has a default encryption rule
package attest.checks.aws_s3_encryption

config_buckets := [r |
	some r in input.aws.config_item
	r.resource_type == "AWS::S3::Bucket"
	live(r)
]

tf_buckets := [r |
	some r in input.terraform.resource
	r.type == "aws_s3_bucket"
	tf_live(r)
]

applies contains r._id if some r in config_buckets

applies contains r._id if some r in tf_buckets

deny contains {"resource": r._id, "msg": "AWS Config records no default encryption rule (ServerSideEncryptionConfiguration) for the bucket"} if {
	some r in config_buckets
	not config_encrypted(r)
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_buckets
	not tf_encrypted(r)
	msg := sprintf("the plan sets no default encryption for bucket %s: no aws_s3_bucket_server_side_encryption_configuration for it and no encryption block on the bucket", [bucket_name(r)])
}

config_encrypted(r) if {
	some rule in supp(r, "ServerSideEncryptionConfiguration").rules
	rule.applyServerSideEncryptionByDefault.sseAlgorithm != ""
}

# The bucket's own (older) encryption block, or a separate resource for it.
tf_encrypted(r) if count(r.values.server_side_encryption_configuration[0].rule) > 0

tf_encrypted(r) if tf_rule_keys[name_key(r)]

tf_encrypted(r) if tf_rule_keys[address_key(r)]

# An encryption resource names its bucket; when the name is not known
# until apply, it is matched to the bucket of the same resource name in the
# same module (aws_s3_bucket.logs with ..._configuration.logs).
tf_rule_keys := {rule_key(r) |
	some r in input.terraform.resource
	r.type == "aws_s3_bucket_server_side_encryption_configuration"
	tf_live(r)
}

rule_key(r) := name_key(r)

rule_key(r) := address_key(r) if not has_bucket(r)

name_key(r) := sprintf("name:%s", [bucket_of(r)])

address_key(r) := sprintf("address:%s", [replace(object.get(r, "address", r._id), sprintf("%s.", [r.type]), "")])

bucket_of(r) := b if {
	b := r.values.bucket
	is_string(b)
	b != ""
}

has_bucket(r) if bucket_of(r)

bucket_name(r) := bucket_of(r)

bucket_name(r) := object.get(r, "address", r._id) if not has_bucket(r)

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
