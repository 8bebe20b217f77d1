package attest.checks.aws_cloudtrail_enabled_test

import data.attest.checks.aws_cloudtrail_enabled as check

trail(name, c) := {
	"_id": sprintf("arn:aws:cloudtrail:us-east-1:111:trail/%s", [name]), "resource_type": "AWS::CloudTrail::Trail", "resource_id": name,
	"resource_name": name, "account_id": "111", "status": "ok",
	"configuration": object.union({"name": name, "s3BucketName": "trail-logs", "homeRegion": "us-east-1", "includeGlobalServiceEvents": true}, c),
}

tf(address, values) := {"_id": address, "address": address, "type": "aws_cloudtrail", "mode": "managed", "values": values, "actions": ["create"]}

test_multi_region_trail_with_validation_passes if {
	inp := {"aws": {"config_item": [trail("main", {"isMultiRegionTrail": true, "logFileValidationEnabled": true})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"cloudtrail", "arn:aws:cloudtrail:us-east-1:111:trail/main"} with input as inp
}

test_no_trail_at_all_fails_on_cloudtrail if {
	got := check.deny with input as {"aws": {"config_item": [{"_id": "b", "resource_type": "AWS::S3::Bucket", "configuration": {}}]}}
	got == {{"resource": "cloudtrail", "msg": "no CloudTrail trail is found among the AWS Config items and Terraform resources read; the policy wants at least one trail that covers every region and validates its log files"}}
}

test_regional_trail_only_fails_on_cloudtrail if {
	inp := {"aws": {"config_item": [trail("eu", {"isMultiRegionTrail": false, "logFileValidationEnabled": true})]}}
	got := check.deny with input as inp
	got == {{"resource": "cloudtrail", "msg": "the one trail found does not cover every region with log file validation and logging on"}}
}

test_trail_without_validation_fails_itself if {
	inp := {"aws": {"config_item": [
		trail("main", {"isMultiRegionTrail": true, "logFileValidationEnabled": true}),
		trail("old", {"isMultiRegionTrail": true, "logFileValidationEnabled": false}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "arn:aws:cloudtrail:us-east-1:111:trail/old", "msg": "trail old does not validate its log files, so changes to delivered logs would go unnoticed"}}
}

test_missing_fields_fail if {
	got := check.deny with input as {"aws": {"config_item": [object.remove(trail("bare", {}), ["configuration"])]}}
	{f.resource | some f in got} == {"cloudtrail", "arn:aws:cloudtrail:us-east-1:111:trail/bare"}
}

test_terraform if {
	good := tf("aws_cloudtrail.main", {"name": "main", "is_multi_region_trail": true, "enable_log_file_validation": true})
	count(check.deny) == 0 with input as {"terraform": {"resource": [good]}}
	off := tf("aws_cloudtrail.main", {"name": "main", "is_multi_region_trail": true, "enable_log_file_validation": true, "enable_logging": false})
	got := check.deny with input as {"terraform": {"resource": [off]}}
	got == {
		{"resource": "aws_cloudtrail.main", "msg": "trail main has logging turned off (enable_logging is false)"},
		{"resource": "cloudtrail", "msg": "the one trail found does not cover every region with log file validation and logging on"},
	}
}

test_several_regional_trails_fail_on_cloudtrail if {
	inp := {"aws": {"config_item": [
		trail("eu", {"isMultiRegionTrail": false, "logFileValidationEnabled": true}),
		trail("us", {"isMultiRegionTrail": false, "logFileValidationEnabled": true}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "cloudtrail", "msg": "none of the 2 trails found covers every region with log file validation and logging on"}}
}
