package attest.checks.aws_ebs_encrypted_test

import data.attest.checks.aws_ebs_encrypted as check

# Shaped like the DescribeVolumes configuration in AWS Config's sample notification.
volume(id, encrypted) := {
	"_id": sprintf("arn:aws:ec2:us-west-2:123456789012:volume/%s", [id]), "resource_type": "AWS::EC2::Volume", "resource_id": id,
	"account_id": "123456789012", "availability_zone": "us-west-2b", "status": "ok",
	"configuration": {
		"volumeId": id, "size": 1, "availabilityZone": "us-west-2b", "state": "in-use", "encrypted": encrypted, "volumeType": "gp3",
		"attachments": [{"volumeId": id, "instanceId": "i-344c463d", "device": "/dev/sdf", "state": "attached", "deleteOnTermination": false}],
	},
}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "mode": "managed", "values": values, "actions": ["create"]}

test_encrypted_volume_passes if {
	inp := {"aws": {"config_item": [volume("vol-1", true)]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:ec2:us-west-2:123456789012:volume/vol-1"} with input as inp
}

test_unencrypted_volume_fails if {
	got := check.deny with input as {"aws": {"config_item": [volume("vol-ce676ccc", false)]}}
	got == {{"resource": "arn:aws:ec2:us-west-2:123456789012:volume/vol-ce676ccc", "msg": "volume vol-ce676ccc (attached to i-344c463d) is not encrypted (encrypted is false)"}}
}

test_volume_without_setting_fails if {
	v := json.remove(volume("vol-2", true), ["configuration/encrypted", "configuration/attachments"])
	got := check.deny with input as {"aws": {"config_item": [v]}}
	got == {{"resource": "arn:aws:ec2:us-west-2:123456789012:volume/vol-2", "msg": "volume vol-2 is not encrypted (encrypted is not set)"}}
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_ebs_volume.ok", "aws_ebs_volume", {"encrypted": true, "size": 10}),
		tf("aws_ebs_volume.off", "aws_ebs_volume", {"encrypted": false, "size": 10}),
		tf("aws_ebs_volume.unset", "aws_ebs_volume", {"size": 10}),
	]}}
	got := check.deny with input as inp
	got == {
		{"resource": "aws_ebs_volume.off", "msg": "aws_ebs_volume.off: the plan leaves the volume unencrypted (encrypted is false)"},
		{"resource": "aws_ebs_volume.unset", "msg": "aws_ebs_volume.unset: the plan leaves the volume unencrypted (encrypted is not set and the plan does not turn on EBS encryption by default)"},
	}
	count(check.applies) == 3 with input as inp
}

test_terraform_encryption_by_default_covers_unset if {
	inp := {"terraform": {"resource": [
		tf("aws_ebs_encryption_by_default.this", "aws_ebs_encryption_by_default", {"enabled": true}),
		tf("aws_ebs_volume.unset", "aws_ebs_volume", {"size": 10}),
		tf("aws_ebs_volume.off", "aws_ebs_volume", {"encrypted": false}),
	]}}
	{f.resource | some f in check.deny} == {"aws_ebs_volume.off"} with input as inp
}

test_volume_without_ids_still_reported if {
	v := {"_id": "AWS::EC2::Volume/x", "resource_type": "AWS::EC2::Volume", "configuration": {"encrypted": false}}
	got := check.deny with input as {"aws": {"config_item": [v]}}
	got == {{"resource": "AWS::EC2::Volume/x", "msg": "volume AWS::EC2::Volume/x is not encrypted (encrypted is false)"}}
}

test_deleted_and_unrecorded_items_ignored if {
	inp := {"aws": {"config_item": [
		object.union(volume("vol-1", false), {"status": "resource_deleted"}),
		object.union(volume("vol-2", false), {"status": "resource_not_recorded"}),
		object.union(volume("vol-4", false), {"status": "ResourceDeletedNotRecorded"}),
		object.union(volume("vol-3", false), {"status": "resource_discovered"}),
	]}}
	{f.resource | some f in check.deny} == {"arn:aws:ec2:us-west-2:123456789012:volume/vol-3"} with input as inp
	count(check.applies) == 1 with input as inp
}
