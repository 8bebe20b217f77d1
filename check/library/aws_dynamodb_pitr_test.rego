package attest.checks.aws_dynamodb_pitr_test

import data.attest.checks.aws_dynamodb_pitr as check

table(name, supp) := {
	"_id": sprintf("arn:aws:dynamodb:us-east-1:111:table/%s", [name]), "resource_type": "AWS::DynamoDB::Table", "resource_id": name,
	"resource_name": name, "account_id": "111", "status": "ok",
	"configuration": {"tableName": name, "tableStatus": "ACTIVE"}, "supplementary_configuration": supp,
}

backups(status) := {"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED", "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}}}

tf(address, values) := {"_id": address, "address": address, "type": "aws_dynamodb_table", "mode": "managed", "values": values, "actions": ["create"]}

test_pitr_on_passes if {
	inp := {"aws": {"config_item": [table("orders", backups("ENABLED"))]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:dynamodb:us-east-1:111:table/orders"} with input as inp
}

test_pitr_off_fails if {
	got := check.deny with input as {"aws": {"config_item": [table("orders", backups("DISABLED"))]}}
	got == {{"resource": "arn:aws:dynamodb:us-east-1:111:table/orders", "msg": "table orders has point-in-time recovery off (status DISABLED)"}}
}

test_description_as_json_text_and_missing_status if {
	inp := {"aws": {"config_item": [
		table("a", {"ContinuousBackupsDescription": json.marshal(backups("ENABLED").ContinuousBackupsDescription)}),
		table("b", {"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED"}}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "arn:aws:dynamodb:us-east-1:111:table/b", "msg": "table b has point-in-time recovery off (status not recorded)"}}
}

test_config_item_without_backup_description_not_judged if {
	inp := {"aws": {"config_item": [table("orders", {})]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_dynamodb_table.ok", {"name": "ok", "point_in_time_recovery": [{"enabled": true}]}),
		tf("aws_dynamodb_table.off", {"name": "off", "point_in_time_recovery": [{"enabled": false}]}),
		tf("aws_dynamodb_table.none", {"name": "none", "point_in_time_recovery": []}),
	]}}
	got := check.deny with input as inp
	got == {
		{"resource": "aws_dynamodb_table.off", "msg": "aws_dynamodb_table.off: the plan leaves point-in-time recovery off for table off"},
		{"resource": "aws_dynamodb_table.none", "msg": "aws_dynamodb_table.none: the plan leaves point-in-time recovery off for table none"},
	}
	count(check.applies) == 3 with input as inp
}
