# METADATA
# title: RDS databases keep automated backups long enough
# description: >-
#   Every RDS DB instance and DB cluster keeps automated backups for at least
#   min_days days; a retention of 0 means automated backups are off. Read
#   replicas are not judged (their source is), and an instance inside a
#   recorded cluster is judged through the cluster. In a Terraform plan an
#   unset retention is read as AWS's default of 1 day.
# custom:
#   severity: high
#   controls: [AVL-02]
#   reads: [aws.config_item, terraform.resource]
#   pass: keeps automated backups for at least the minimum days
#   params:
#     min_days: 7
package attest.checks.aws_rds_backups

min_days := data.attest.params.aws_rds_backups.min_days

aws_default_days := 1

config_dbs := [r |
	some r in input.aws.config_item
	r.resource_type in {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}
	live(r)
	not in_recorded_cluster(r)
	not config_replica(r)
]

tf_dbs := [r |
	some r in input.terraform.resource
	r.type in {"aws_db_instance", "aws_rds_cluster"}
	tf_live(r)
	not tf_replica(r)
]

applies contains r._id if some r in config_dbs

applies contains r._id if some r in tf_dbs

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_dbs
	days := object.get(conf(r), "backupRetentionPeriod", null)
	not long_enough(days)
	msg := sprintf("%s %s %s", [kind(r), name(r), retention(days, "has no backup retention period in its AWS Config record")])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_dbs
	set := object.get(r.values, "backup_retention_period", null)
	days := tf_days(set)
	not long_enough(days)
	msg := sprintf("%s: the plan %s%s", [object.get(r, "address", r._id), retention(days, "sets no numeric backup retention period"), unset_note(set)])
}

long_enough(days) if {
	is_number(days)
	days >= min_days
}

tf_days(null) := aws_default_days

tf_days(n) := n if n != null

retention(days, missing) := missing if not is_number(days)

retention(0, _) := sprintf("has automated backups turned off (retention 0 days; the policy wants at least %d)", [min_days])

retention(days, _) := sprintf("keeps automated backups for %s; the policy wants at least %d", [plural_days(days), min_days]) if {
	is_number(days)
	days != 0
}

unset_note(null) := " (backup_retention_period is not set, so AWS's default applies)"

unset_note(v) := "" if v != null

plural_days(1) := "1 day"

plural_days(n) := sprintf("%v days", [n]) if n != 1

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
