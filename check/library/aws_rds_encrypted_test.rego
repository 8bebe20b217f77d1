package attest.checks.aws_rds_encrypted_test

import data.attest.checks.aws_rds_encrypted as check

instance(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:db:%s", [id]), "resource_type": "AWS::RDS::DBInstance", "resource_id": sprintf("db-%s", [upper(id)]),
	"resource_name": id, "account_id": "111", "status": "ok", "configuration": object.union({"dBInstanceIdentifier": id, "engine": "postgres"}, c),
}

cluster(id, c) := {
	"_id": sprintf("arn:aws:rds:us-east-1:111:cluster:%s", [id]), "resource_type": "AWS::RDS::DBCluster", "resource_id": "cluster-ABC",
	"resource_name": id, "account_id": "111", "status": "ok", "configuration": object.union({"dbclusterIdentifier": id, "engine": "aurora-postgresql"}, c),
}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "mode": "managed", "values": values, "actions": ["create"]}

test_encrypted_instance_passes if {
	inp := {"aws": {"config_item": [instance("orders", {"storageEncrypted": true})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:rds:us-east-1:111:db:orders"} with input as inp
}

test_unencrypted_instance_fails if {
	got := check.deny with input as {"aws": {"config_item": [instance("orders", {"storageEncrypted": false})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders: storage is not encrypted (storageEncrypted is false)"}}
}

test_missing_setting_fails if {
	got := check.deny with input as {"aws": {"config_item": [instance("orders", {})]}}
	got == {{"resource": "arn:aws:rds:us-east-1:111:db:orders", "msg": "DB instance orders: storage is not encrypted (storageEncrypted is not set)"}}
}

test_cluster_members_judged_through_recorded_cluster if {
	inp := {"aws": {"config_item": [
		cluster("billing", {"storageEncrypted": false}),
		instance("billing-1", {"dBClusterIdentifier": "billing", "storageEncrypted": false}),
		instance("reports-1", {"dBClusterIdentifier": "reports", "storageEncrypted": false}),
	]}}
	{f.resource | some f in check.deny} == {"arn:aws:rds:us-east-1:111:cluster:billing", "arn:aws:rds:us-east-1:111:db:reports-1"} with input as inp
	check.applies == {"arn:aws:rds:us-east-1:111:cluster:billing", "arn:aws:rds:us-east-1:111:db:reports-1"} with input as inp
}

test_configuration_as_json_text_is_read if {
	i := object.union(instance("orders", {}), {"configuration": json.marshal({"storageEncrypted": true})})
	count(check.deny) == 0 with input as {"aws": {"config_item": [i]}}
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_db_instance.ok", "aws_db_instance", {"storage_encrypted": true}),
		tf("aws_db_instance.bad", "aws_db_instance", {"storage_encrypted": false}),
		tf("aws_rds_cluster.unset", "aws_rds_cluster", {"engine": "aurora-mysql"}),
		tf("aws_rds_cluster.serverless", "aws_rds_cluster", {"engine_mode": "serverless"}),
		tf("aws_db_instance.replica", "aws_db_instance", {"replicate_source_db": "orders"}),
		tf("aws_db_instance.bad_replica", "aws_db_instance", {"replicate_source_db": "orders", "storage_encrypted": false}),
	]}}
	got := check.deny with input as inp
	got == {
		{"resource": "aws_db_instance.bad", "msg": "aws_db_instance.bad: the plan leaves storage unencrypted (storage_encrypted is false)"},
		{"resource": "aws_rds_cluster.unset", "msg": "aws_rds_cluster.unset: the plan leaves storage unencrypted (storage_encrypted is not set)"},
		{"resource": "aws_db_instance.bad_replica", "msg": "aws_db_instance.bad_replica: the plan leaves storage unencrypted (storage_encrypted is false)"},
	}
	count(check.applies) == 5 with input as inp
}
