# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: >-
#   Every DynamoDB table has point-in-time recovery turned on, so it can be
#   restored to any second of the recovery window after a bad write or
#   deletion. Terraform plans are read from the table's
#   point_in_time_recovery block; AWS Config items from the supplementary
#   ContinuousBackupsDescription, and an item without it is not judged.
# custom:
#   severity: medium
#   controls: [AVL-02]
#   reads: [aws.config_item, terraform.resource]
#   pass: point-in-time recovery is on
package attest.checks.aws_dynamodb_pitr

config_tables := [r |
	some r in input.aws.config_item
	r.resource_type == "AWS::DynamoDB::Table"
	live(r)
	is_object(supp(r, "ContinuousBackupsDescription"))
]

tf_tables := [r |
	some r in input.terraform.resource
	r.type == "aws_dynamodb_table"
	tf_live(r)
]

applies contains r._id if some r in config_tables

applies contains r._id if some r in tf_tables

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_tables
	status := object.get(supp(r, "ContinuousBackupsDescription"), ["pointInTimeRecoveryDescription", "pointInTimeRecoveryStatus"], null)
	status != "ENABLED"
	msg := sprintf("table %s has point-in-time recovery off (status %s)", [table_name(r), shown(status)])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_tables
	not tf_pitr(r)
	msg := sprintf("%s: the plan leaves point-in-time recovery off for table %s", [object.get(r, "address", r._id), object.get(r.values, "name", "(unnamed)")])
}

tf_pitr(r) if r.values.point_in_time_recovery[0].enabled == true

table_name(r) := n if {
	n := conf(r).tableName
	is_string(n)
} else := object.get(r, "resource_name", object.get(r, "resource_id", r._id))

shown(null) := "not recorded"

shown(v) := v if v != null

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
