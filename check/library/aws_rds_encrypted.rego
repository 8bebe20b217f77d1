# METADATA
# title: RDS databases encrypt their storage
# description: >-
#   Every RDS DB instance and DB cluster stores its data encrypted at rest.
#   AWS Config items are read from storageEncrypted (an instance inside a
#   recorded cluster is judged through the cluster); Terraform plans from
#   storage_encrypted on aws_db_instance and aws_rds_cluster resources.
# custom:
#   severity: high
#   controls: [CRY-01]
#   reads: [aws.config_item, terraform.resource]
#   pass: storage is encrypted
package attest.checks.aws_rds_encrypted

config_dbs := [r |
	some r in input.aws.config_item
	r.resource_type in {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}
	live(r)
	not in_recorded_cluster(r)
]

tf_dbs := [r |
	some r in input.terraform.resource
	r.type in {"aws_db_instance", "aws_rds_cluster"}
	tf_live(r)
	not tf_not_judged(r)
]

applies contains r._id if some r in config_dbs

applies contains r._id if some r in tf_dbs

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_dbs
	not conf_encrypted(r)
	msg := sprintf("%s %s: storage is not encrypted (storageEncrypted is %s)", [kind(r), name(r), shown(object.get(conf(r), "storageEncrypted", null))])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_dbs
	not tf_encrypted(r)
	msg := sprintf("%s: the plan leaves storage unencrypted (storage_encrypted is %s)", [object.get(r, "address", r._id), shown(object.get(r.values, "storage_encrypted", null))])
}

conf_encrypted(r) if conf(r).storageEncrypted == true

tf_encrypted(r) if r.values.storage_encrypted == true

# Aurora Serverless v1 clusters are always encrypted.
tf_encrypted(r) if {
	r.type == "aws_rds_cluster"
	r.values.engine_mode == "serverless"
	not r.values.storage_encrypted == false
}

# A read replica created without the setting takes its source's encryption.
tf_not_judged(r) if {
	tf_replica(r)
	object.get(r.values, "storage_encrypted", null) == null
}

shown(null) := "not set"

shown(v) := sprintf("%v", [v]) if v != null

# --- RDS (the same helpers in every RDS check) ---

# A DB instance that belongs to a cluster recorded beside it is judged
# through the cluster (Aurora keeps storage, backups and zones per cluster).
clusters := {cluster_name(r) |
	some r in input.aws.config_item
	r.resource_type == "AWS::RDS::DBCluster"
	live(r)
}

cluster_name(r) := lower(n) if {
	n := conf(r).dbclusterIdentifier
	is_string(n)
} else := lower(n) if {
	n := conf(r).dBClusterIdentifier
	is_string(n)
} else := lower(r.resource_name)

member_of(r) := lower(n) if {
	n := conf(r).dBClusterIdentifier
	is_string(n)
	n != ""
} else := lower(n) if {
	n := conf(r).dbclusterIdentifier
	is_string(n)
	n != ""
}

in_recorded_cluster(r) if {
	r.resource_type == "AWS::RDS::DBInstance"
	clusters[member_of(r)]
}

config_replica(r) if {
	src := conf(r).readReplicaSourceDBInstanceIdentifier
	is_string(src)
	src != ""
}

tf_replica(r) if {
	src := r.values.replicate_source_db
	is_string(src)
	src != ""
}

name(r) := n if {
	n := r.resource_name
	is_string(n)
	n != ""
} else := n if {
	n := r.resource_id
	is_string(n)
	n != ""
} else := r._id

kind(r) := "DB cluster" if r.resource_type == "AWS::RDS::DBCluster"

kind(r) := "DB instance" if r.resource_type == "AWS::RDS::DBInstance"

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
