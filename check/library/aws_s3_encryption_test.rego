package attest.checks.aws_s3_encryption_test

import data.attest.checks.aws_s3_encryption as check

bucket(name, supp) := {
	"_id": sprintf("arn:aws:s3:::%s", [name]), "resource_type": "AWS::S3::Bucket", "resource_id": name, "resource_name": name,
	"arn": sprintf("arn:aws:s3:::%s", [name]), "account_id": "123456789012", "region": "us-east-1", "status": "ok",
	"configuration": {"name": name, "owner": {"id": "abc"}, "creationDate": "2024-01-01T00:00:00.000Z"},
	"supplementary_configuration": supp,
}

sse_aes := {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256", "kmsMasterKeyID": null}, "bucketKeyEnabled": false}]}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "name": "x", "mode": "managed", "module": "", "values": values, "actions": ["create"]}

test_config_bucket_with_default_encryption_passes if {
	inp := {"aws": {"config_item": [
		bucket("logs", {"ServerSideEncryptionConfiguration": sse_aes}),
		bucket("data", {"ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/1"}}]}}),
		{"_id": "vol", "resource_type": "AWS::EC2::Volume", "configuration": {}},
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:s3:::logs", "arn:aws:s3:::data"} with input as inp
}

test_config_bucket_without_rule_fails if {
	got := check.deny with input as {"aws": {"config_item": [bucket("raw", {"BucketVersioningConfiguration": {"status": "Off"}})]}}
	got == {{"resource": "arn:aws:s3:::raw", "msg": "AWS Config records no default encryption rule (ServerSideEncryptionConfiguration) for the bucket"}}
}

test_config_supplementary_as_json_text_is_read if {
	inp := {"aws": {"config_item": [bucket("logs", {"ServerSideEncryptionConfiguration": json.marshal(sse_aes)}), bucket("null", null)]}}
	{f.resource | some f in check.deny} == {"arn:aws:s3:::null"} with input as inp
}

test_config_deleted_bucket_ignored if {
	b := object.union(bucket("gone", {}), {"status": "resource_deleted"})
	count(check.applies) == 0 with input as {"aws": {"config_item": [b]}}
}

test_terraform_encryption_resource_by_bucket_name if {
	inp := {"terraform": {"resource": [
		tf("aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "acme-logs"}),
		tf("aws_s3_bucket_server_side_encryption_configuration.enc", "aws_s3_bucket_server_side_encryption_configuration", {"bucket": "acme-logs", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}),
		tf("aws_s3_bucket.raw", "aws_s3_bucket", {"bucket": "acme-raw"}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "aws_s3_bucket.raw", "msg": "the plan sets no default encryption for bucket acme-raw: no aws_s3_bucket_server_side_encryption_configuration for it and no encryption block on the bucket"}}
	check.applies == {"aws_s3_bucket.logs", "aws_s3_bucket.raw"} with input as inp
}

test_terraform_unknown_bucket_name_matched_by_address if {
	inp := {"terraform": {"resource": [
		tf("module.store.aws_s3_bucket.data[0]", "aws_s3_bucket", {"bucket_prefix": "acme-"}),
		tf("module.store.aws_s3_bucket_server_side_encryption_configuration.data[0]", "aws_s3_bucket_server_side_encryption_configuration", {"rule": [{}]}),
		tf("module.other.aws_s3_bucket.data[0]", "aws_s3_bucket", {"bucket_prefix": "acme-"}),
	]}}
	{f.resource | some f in check.deny} == {"module.other.aws_s3_bucket.data[0]"} with input as inp
}

test_terraform_legacy_inline_block_passes if {
	b := tf("aws_s3_bucket.old", "aws_s3_bucket", {"bucket": "old", "server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]}]})
	empty := tf("aws_s3_bucket.empty", "aws_s3_bucket", {"bucket": "empty", "server_side_encryption_configuration": []})
	{f.resource | some f in check.deny} == {"aws_s3_bucket.empty"} with input as {"terraform": {"resource": [b, empty]}}
}

test_terraform_data_sources_and_deletions_ignored if {
	d := object.union(tf("data.aws_s3_bucket.x", "aws_s3_bucket", {"bucket": "x"}), {"mode": "data"})
	del := object.union(tf("aws_s3_bucket.y", "aws_s3_bucket", null), {"actions": ["delete"]})
	inp := {"terraform": {"resource": [d, del]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}
