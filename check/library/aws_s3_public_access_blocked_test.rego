package attest.checks.aws_s3_public_access_blocked_test

import data.attest.checks.aws_s3_public_access_blocked as check

all_on := {"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true}

bucket(name, account, pab) := {
	"_id": sprintf("arn:aws:s3:::%s", [name]), "resource_type": "AWS::S3::Bucket", "resource_id": name, "resource_name": name,
	"account_id": account, "region": "eu-west-1", "status": "ok", "configuration": {"name": name},
	"supplementary_configuration": {"PublicAccessBlockConfiguration": pab},
}

account_block(account, c) := {
	"_id": sprintf("AWS::S3::AccountPublicAccessBlock/%s", [account]), "resource_type": "AWS::S3::AccountPublicAccessBlock",
	"resource_id": account, "account_id": account, "status": "ok", "configuration": c, "supplementary_configuration": {},
}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "mode": "managed", "values": values, "actions": ["create"]}

test_bucket_with_all_settings_passes if {
	inp := {"aws": {"config_item": [bucket("logs", "111", all_on)]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:s3:::logs"} with input as inp
}

test_bucket_missing_settings_fails_and_names_them if {
	pab := object.union(all_on, {"ignorePublicAcls": false, "restrictPublicBuckets": false})
	got := check.deny with input as {"aws": {"config_item": [bucket("site", "111", pab)]}}
	got == {{"resource": "arn:aws:s3:::site", "msg": "public access block settings off for the bucket and its account: ignorePublicAcls, restrictPublicBuckets"}}
}

test_bucket_without_block_fails if {
	b := object.union(bucket("open", "111", {}), {"supplementary_configuration": {}})
	got := check.deny with input as {"aws": {"config_item": [b]}}
	count(got) == 1
}

test_account_setting_covers_buckets_of_that_account_only if {
	inp := {"aws": {"config_item": [
		account_block("111", all_on),
		bucket("a", "111", {}),
		bucket("b", "222", {}),
	]}}
	{f.resource | some f in check.deny} == {"arn:aws:s3:::b"} with input as inp
}

test_account_and_bucket_settings_combine if {
	inp := {"aws": {"config_item": [
		account_block("111", {"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": false, "restrictPublicBuckets": false}),
		bucket("a", "111", {"blockPublicPolicy": true, "restrictPublicBuckets": true}),
	]}}
	count(check.deny) == 0 with input as inp
}

test_terraform_block_resource_passes_and_missing_fails if {
	inp := {"terraform": {"resource": [
		tf("aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "acme-logs"}),
		tf("aws_s3_bucket_public_access_block.logs", "aws_s3_bucket_public_access_block", {"bucket": "acme-logs", "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}),
		tf("aws_s3_bucket.site", "aws_s3_bucket", {"bucket": "acme-site"}),
		tf("aws_s3_bucket_public_access_block.site", "aws_s3_bucket_public_access_block", {"bucket": "acme-site", "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": false, "restrict_public_buckets": false}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "aws_s3_bucket.site", "msg": "the plan leaves public access block settings off for bucket acme-site: block_public_policy, restrict_public_buckets"}}
	check.applies == {"aws_s3_bucket.logs", "aws_s3_bucket.site"} with input as inp
}

test_terraform_account_block_and_address_match if {
	inp := {"terraform": {"resource": [
		tf("aws_s3_account_public_access_block.this", "aws_s3_account_public_access_block", {"block_public_acls": true, "ignore_public_acls": true}),
		tf("aws_s3_bucket.data", "aws_s3_bucket", {"bucket_prefix": "d-"}),
		tf("aws_s3_bucket_public_access_block.data", "aws_s3_bucket_public_access_block", {"block_public_policy": true, "restrict_public_buckets": true}),
		tf("aws_s3_bucket.other", "aws_s3_bucket", {"bucket_prefix": "o-"}),
	]}}
	got := check.deny with input as inp
	got == {{"resource": "aws_s3_bucket.other", "msg": "the plan leaves public access block settings off for bucket aws_s3_bucket.other: block_public_policy, restrict_public_buckets"}}
}

test_bucket_without_account_id_still_judged if {
	b := object.remove(bucket("orphan", "111", {"blockPublicAcls": true}), ["account_id"])
	got := check.deny with input as {"aws": {"config_item": [b, account_block("111", all_on)]}}
	got == {{"resource": "arn:aws:s3:::orphan", "msg": "public access block settings off for the bucket and its account: blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets"}}
}
