package attest.checks.aws_kms_rotation_test

import data.attest.checks.aws_kms_rotation as check

key(id, c, supp) := {
	"_id": sprintf("arn:aws:kms:us-east-1:111:key/%s", [id]), "resource_type": "AWS::KMS::Key", "resource_id": id, "account_id": "111", "status": "ok",
	"configuration": object.union(
		{
			"keyId": id, "keyManager": "CUSTOMER", "keyState": "Enabled", "keyUsage": "ENCRYPT_DECRYPT",
			"customerMasterKeySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS", "description": "app data",
		},
		c,
	),
	"supplementary_configuration": supp,
}

tf(address, values) := {"_id": address, "address": address, "type": "aws_kms_key", "mode": "managed", "values": values, "actions": ["create"]}

test_rotating_key_passes if {
	inp := {"aws": {"config_item": [key("k1", {}, {"KeyRotationStatus": true})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:kms:us-east-1:111:key/k1"} with input as inp
}

test_key_without_rotation_fails if {
	got := check.deny with input as {"aws": {"config_item": [key("k1", {}, {"KeyRotationStatus": false})]}}
	got == {{"resource": "arn:aws:kms:us-east-1:111:key/k1", "msg": "customer-managed key k1 (app data) does not rotate automatically"}}
}

test_status_as_text_and_configuration_field if {
	inp := {"aws": {"config_item": [
		key("k1", {}, {"KeyRotationStatus": "false"}),
		key("k2", {"keyRotationEnabled": false, "description": ""}, {}),
		key("k3", {"keyRotationEnabled": true}, null),
		json.remove(key("k4", {}, {"KeyRotationStatus": false}), ["configuration/keyState"]),
	]}}
	{f.resource | some f in check.deny} == {"arn:aws:kms:us-east-1:111:key/k1", "arn:aws:kms:us-east-1:111:key/k2", "arn:aws:kms:us-east-1:111:key/k4"} with input as inp
}

test_keys_that_cannot_rotate_or_unknown_status_not_judged if {
	inp := {"aws": {"config_item": [
		key("aws-managed", {"keyManager": "AWS"}, {"KeyRotationStatus": false}),
		key("asym", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}, {"KeyRotationStatus": false}),
		key("hmac", {"keySpec": "HMAC_256", "keyUsage": "GENERATE_VERIFY_MAC"}, {"KeyRotationStatus": false}),
		key("imported", {"origin": "EXTERNAL"}, {"KeyRotationStatus": false}),
		key("leaving", {"keyState": "PendingDeletion"}, {"KeyRotationStatus": false}),
		key("unknown", {}, {}),
	]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_kms_key.ok", {"enable_key_rotation": true, "key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT"}),
		tf("aws_kms_key.off", {"enable_key_rotation": false}),
		tf("aws_kms_key.unset", {"description": "x"}),
		tf("aws_kms_key.signing", {"key_usage": "SIGN_VERIFY", "customer_master_key_spec": "ECC_NIST_P256"}),
	]}}
	got := check.deny with input as inp
	got == {
		{"resource": "aws_kms_key.off", "msg": "aws_kms_key.off: the plan leaves automatic key rotation off (enable_key_rotation is false)"},
		{"resource": "aws_kms_key.unset", "msg": "aws_kms_key.unset: the plan leaves automatic key rotation off (enable_key_rotation is not set)"},
	}
	check.applies == {"aws_kms_key.ok", "aws_kms_key.off", "aws_kms_key.unset"} with input as inp
}
