# METADATA
# title: S3 buckets block public access
# description: >-
#   Every S3 bucket has all four public access block settings on (block and
#   ignore public ACLs, block and restrict public bucket policies), whether
#   set on the bucket itself or for the whole account. AWS Config items and
#   Terraform plans are both read; a setting left off in both places is named.
# custom:
#   severity: high
#   controls: [NET-01, CNF-02]
#   reads: [aws.config_item, terraform.resource]
#   pass: all four public access block settings are on
package attest.checks.aws_s3_public_access_blocked

# AWS Config's names for the settings, and Terraform's.
settings := {
	"blockPublicAcls": "block_public_acls",
	"ignorePublicAcls": "ignore_public_acls",
	"blockPublicPolicy": "block_public_policy",
	"restrictPublicBuckets": "restrict_public_buckets",
}

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

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_buckets
	block := bucket_block(r)
	off := [s |
		some s, _ in settings
		object.get(block, s, false) != true
		not account_on[[object.get(r, "account_id", ""), s]]
	]
	count(off) > 0
	msg := sprintf("public access block settings off for the bucket and its account: %s", [concat(", ", sort(off))])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_buckets
	on := tf_on(r)
	off := [t | some s, t in settings; not on[s]]
	count(off) > 0
	msg := sprintf("the plan leaves public access block settings off for bucket %s: %s", [bucket_name(r), concat(", ", sort(off))])
}

# --- AWS Config: the bucket's PublicAccessBlockConfiguration or the
# account's AWS::S3::AccountPublicAccessBlock.

bucket_block(r) := b if {
	b := supp(r, "PublicAccessBlockConfiguration")
	is_object(b)
} else := {}

account_on := {[object.get(r, "account_id", ""), s] |
	some r in input.aws.config_item
	r.resource_type == "AWS::S3::AccountPublicAccessBlock"
	live(r)
	c := conf(r)
	some s, _ in settings
	c[s] == true
}

# --- Terraform: an aws_s3_bucket_public_access_block for the bucket (by
# bucket name, or by resource name in the same module when the name is not
# known until apply) or an aws_s3_account_public_access_block.

tf_on(r) := on if {
	keys := bucket_keys(r)
	own := {s | some key in keys; some s, _ in settings; tf_block_on[[key, s]]}
	on := tf_account_on | own
}

bucket_keys(r) := {name_key(r), address_key(r)} if has_bucket(r)

bucket_keys(r) := {address_key(r)} if not has_bucket(r)

tf_block_on := {[rule_key(r), s] |
	some r in input.terraform.resource
	r.type == "aws_s3_bucket_public_access_block"
	tf_live(r)
	some s, t in settings
	r.values[t] == true
}

tf_account_on := {s |
	some r in input.terraform.resource
	r.type == "aws_s3_account_public_access_block"
	tf_live(r)
	some s, t in settings
	r.values[t] == true
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
