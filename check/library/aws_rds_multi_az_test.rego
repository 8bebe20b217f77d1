package attest.checks.aws_rds_multi_az_test

import data.attest.checks.aws_rds_multi_az as check

instance(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:db:%s", [id]), "resource_type": "AWS::RDS::DBInstance", "resource_id": "db-X",
	"resource_name": id, "account_id": "111", "availability_zone": "us-east-1a", "status": "ok",
	"configuration": object.union({"dBInstanceIdentifier": id}, c),
}

cluster(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:cluster:%s", [id]), "resource_type": "AWS::RDS::DBCluster", "resource_id": "cluster-ABC",
	"resource_name": id, "account_id": "111", "availability_zone": "Multiple Availability Zones", "status": "ok",
	"configuration": object.union({"dbclusterIdentifier": id}, c),
}

tf(address, values) := {"_id": address, "address": address, "type": "aws_db_instance", "mode": "managed", "values": values, "actions": ["create"]}

test_multi_az_passes if {
	inp := {"aws": {"config_item": [instance("orders", {"multiAZ": true}), cluster("billing", {"multiAZ": true})]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 2 with input as inp
}

test_single_az_instance_fails if {
	got := check.deny with input as {"aws": {"config_item": [instance("orders", {"multiAZ": false})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders runs in a single availability zone (multiAZ is false): us-east-1a"}}
}

test_single_az_cluster_fails if {
	got := check.deny with input as {"aws": {"config_item": [cluster("billing", {})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:cluster:billing", "msg": "DB cluster billing runs in a single availability zone (multiAZ is not set)"}}
}

test_members_and_replicas_not_judged if {
	inp := {"aws": {"config_item": [
		instance("billing-1", {"multiAZ": false, "dBClusterIdentifier": "billing"}),
		instance("orders-ro", {"multiAZ": false, "readReplicaSourceDBInstanceIdentifier": "orders"}),
	]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_db_instance.ok", {"multi_az": true}),
		tf("aws_db_instance.single", {"multi_az": false}),
		tf("aws_db_instance.unset", {}),
		tf("aws_db_instance.ro", {"replicate_source_db": "ok"}),
		{"_id": "aws_rds_cluster.c", "address": "aws_rds_cluster.c", "type": "aws_rds_cluster", "mode": "managed", "values": {}, "actions": ["create"]},
	]}}
	got := check.deny with input as inp
	{f.resource | some f in got} == {"aws_db_instance.single", "aws_db_instance.unset"}
	some f in got
	f.msg == "aws_db_instance.unset: the plan runs the database in a single availability zone (multi_az is not set)"
	check.applies == {"aws_db_instance.ok", "aws_db_instance.single", "aws_db_instance.unset"} with input as inp
}

test_item_without_configuration_fails_not_skipped if {
	i := object.remove(instance("orders", {}), ["configuration"])
	got := check.deny with input as {"aws": {"config_item": [i]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders runs in a single availability zone (multiAZ is not set): us-east-1a"}}
}
