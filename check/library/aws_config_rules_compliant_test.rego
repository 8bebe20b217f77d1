package attest.checks.aws_config_rules_compliant_test

import data.attest.checks.aws_config_rules_compliant as check

eval(rule, typ, id, compliance) := {
	"_id": sprintf("%s/%s/%s", [rule, typ, id]), "rule_name": rule, "resource_type": typ, "resource_id": id,
	"compliance": compliance, "recorded": "2026-03-01T09:00:00Z", "annotation": null,
}

test_non_compliant_evaluation_fails if {
	e := object.union(eval("s3-bucket-versioning-enabled", "AWS::S3::Bucket", "acme-logs", "non_compliant"), {"annotation": "Versioning is suspended."})
	got := check.deny with input as {"aws": {"config_evaluation": [e]}}
	got == {{
		"resource": "s3-bucket-versioning-enabled/AWS::S3::Bucket/acme-logs",
		"msg": "AWS Config rule s3-bucket-versioning-enabled evaluates AWS::S3::Bucket acme-logs as NON_COMPLIANT (recorded 2026-03-01T09:00:00Z): Versioning is suspended.",
	}}
}

test_compliant_passes_and_others_not_judged if {
	inp := {"aws": {"config_evaluation": [
		eval("r1", "AWS::EC2::Volume", "vol-1", "compliant"),
		eval("r1", "AWS::EC2::Volume", "vol-2", "not_applicable"),
		eval("r2", "AWS::EC2::Instance", "i-1", "insufficient_data"),
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"r1/AWS::EC2::Volume/vol-1"} with input as inp
}

test_missing_fields_still_reported if {
	got := check.deny with input as {"aws": {"config_evaluation": [{"_id": "x", "compliance": "non_compliant"}]}}
	got == {{"resource": "x", "msg": "AWS Config rule (unnamed rule) evaluates resource (no id) as NON_COMPLIANT"}}
}
