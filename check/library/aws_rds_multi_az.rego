# METADATA
# title: RDS databases run across availability zones
# description: >-
#   Every RDS DB instance outside a cluster, and every DB cluster, is
#   deployed across more than one availability zone, so losing one zone does
#   not take the database down. Read replicas and cluster members are not
#   judged on their own. Terraform plans are read for aws_db_instance
#   multi_az; an Aurora cluster's zones depend on where its instances run and
#   are judged from AWS Config's record of the cluster.
# custom:
#   severity: medium
#   controls: [AVL-04]
#   reads: [aws.config_item, terraform.resource]
#   pass: deployed across more than one availability zone
package attest.checks.aws_rds_multi_az

config_dbs := [r |
	some r in input.aws.config_item
	r.resource_type in {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}
	live(r)
	not cluster_member(r)
	not config_replica(r)
]

tf_dbs := [r |
	some r in input.terraform.resource
	r.type == "aws_db_instance"
	tf_live(r)
	not tf_replica(r)
]

applies contains r._id if some r in config_dbs

applies contains r._id if some r in tf_dbs

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_dbs
	not conf_multi_az(r)
	msg := sprintf("%s %s runs in a single availability zone (multiAZ is %s)%s", [kind(r), name(r), shown(object.get(conf(r), "multiAZ", null)), zone(r)])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_dbs
	not tf_multi_az(r)
	msg := sprintf("%s: the plan runs the database in a single availability zone (multi_az is %s)", [object.get(r, "address", r._id), shown(object.get(r.values, "multi_az", null))])
}

conf_multi_az(r) if conf(r).multiAZ == true

tf_multi_az(r) if r.values.multi_az == true

# An instance in an Aurora (or other) cluster gets its zones from the cluster.
cluster_member(r) if {
	r.resource_type == "AWS::RDS::DBInstance"
	member_of(r)
}

zone(r) := sprintf(": %s", [r.availability_zone]) if {
	is_string(r.availability_zone)
	r.availability_zone != ""
	r.availability_zone != "Multiple Availability Zones"
} else := ""

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
