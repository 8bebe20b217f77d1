package attest.checks.aws_rds_backups_test

import data.attest.checks.aws_rds_backups as check

instance(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:db:%s", [id]), "resource_type": "AWS::RDS::DBInstance", "resource_id": "db-X",
	"resource_name": id, "account_id": "111", "status": "ok", "configuration": object.union({"dBInstanceIdentifier": id}, c),
}

cluster(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:cluster:%s", [id]), "resource_type": "AWS::RDS::DBCluster", "resource_id": "cluster-ABC",
	"resource_name": id, "account_id": "111", "status": "ok", "configuration": object.union({"dbclusterIdentifier": id}, c),
}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "mode": "managed", "values": values, "actions": ["update"]}

test_enough_retention_passes if {
	inp := {"aws": {"config_item": [instance("orders", {"backupRetentionPeriod": 7}), cluster("billing", {"backupRetentionPeriod": 35})]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 2 with input as inp
}

test_short_retention_fails if {
	got := check.deny with input as {"aws": {"config_item": [instance("orders", {"backupRetentionPeriod": 3})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders keeps automated backups for 3 days; the policy wants at least 7"}}
}

test_backups_off_fails if {
	got := check.deny with input as {"aws": {"config_item": [cluster("billing", {"backupRetentionPeriod": 0})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:cluster:billing", "msg": "DB cluster billing has automated backups turned off (retention 0 days; the policy wants at least 7)"}}
}

test_missing_retention_fails if {
	got := check.deny with input as {"aws": {"config_item": [instance("orders", {})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders has no backup retention period in its AWS Config record"}}
}

test_threshold_is_a_parameter if {
	inp := {"aws": {"config_item": [instance("orders", {"backupRetentionPeriod": 7})]}}
	count(check.deny) == 1 with input as inp with data.attest.params.aws_rds_backups.min_days as 14
	count(check.deny) == 0 with input as inp with data.attest.params.aws_rds_backups.min_days as 7
}

test_replicas_and_cluster_members_not_judged_alone if {
	inp := {"aws": {"config_item": [
		instance("orders-replica", {"backupRetentionPeriod": 0, "readReplicaSourceDBInstanceIdentifier": "orders"}),
		cluster("billing", {"backupRetentionPeriod": 14}),
		instance("billing-1", {"backupRetentionPeriod": 1, "dBClusterIdentifier": "billing"}),
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:rds:us-east-1:111:cluster:billing"} with input as inp
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_db_instance.ok", "aws_db_instance", {"backup_retention_period": 14}),
		tf("aws_db_instance.short", "aws_db_instance", {"backup_retention_period": 1}),
		tf("aws_rds_cluster.unset", "aws_rds_cluster", {"engine": "aurora-postgresql"}),
		tf("aws_db_instance.replica", "aws_db_instance", {"replicate_source_db": "ok", "backup_retention_period": 0}),
	]}}
	got := check.deny with input as inp
	got == {
		{"resource": "aws_db_instance.short", "msg": "aws_db_instance.short: the plan keeps automated backups for 1 day; the policy wants at least 7"},
		{"resource": "aws_rds_cluster.unset", "msg": "aws_rds_cluster.unset: the plan keeps automated backups for 1 day; the policy wants at least 7 (backup_retention_period is not set, so AWS's default applies)"},
	}
	count(check.applies) == 3 with input as inp
}
