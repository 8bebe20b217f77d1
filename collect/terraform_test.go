package collect

import (
	"os"
	"strings"
	"testing"
)

func TestTerraformPlan(t *testing.T) {
	f, err := os.Open("testdata/terraform-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := TerraformPlan("plan.json", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems %v", res.Problems)
	}
	byID := records(t, res)
	actions := map[string][]any{
		"aws_cloudtrail.main":                                               {"update"},
		"aws_kms_alias.logs[0]":                                             {"create"},
		"aws_kms_key.logs":                                                  {"create"},
		"aws_s3_bucket.audit_logs":                                          {"create"},
		"aws_s3_bucket_public_access_block.audit_logs":                      {"create"},
		"aws_s3_bucket_server_side_encryption_configuration.audit_logs":     {"create"},
		"aws_security_group.web":                                            {"no-op"},
		"data.aws_iam_policy_document.trail_bucket":                         {"read"},
		"module.database.aws_db_instance.main":                              {"delete", "create"},
		"module.database.aws_security_group.db":                             {"no-op"},
		"module.database.module.monitoring.aws_cloudwatch_metric_alarm.cpu": {"create"},
		"aws_iam_access_key.legacy":                                         {"delete"},
	}
	if len(byID) != len(actions) {
		t.Errorf("%d records", len(byID))
	}
	for addr, want := range actions {
		check(t, byID[addr], map[string]any{"actions": want, "address": addr})
	}
	trail := byID["aws_cloudtrail.main"]
	if trail.Type != "terraform.resource" || trail.Line != 22 || trail.Source != "plan.json" {
		t.Errorf("record %s line %d", trail.Type, trail.Line)
	}
	check(t, trail, map[string]any{
		"type": "aws_cloudtrail", "name": "main", "mode": "managed", "provider": "registry.terraform.io/hashicorp/aws", "module": nil,
		"schema_version": float64(0),
	})
	tv := trail.Fields["values"].(map[string]any)
	if tv["enable_log_file_validation"] != true || tv["is_multi_region_trail"] != true || tv["s3_bucket_name"] != "acme-audit-logs" {
		t.Errorf("trail values %v", tv)
	}

	db := byID["module.database.aws_db_instance.main"]
	check(t, db, map[string]any{"module": "module.database", "action_reason": "replace_because_cannot_update", "type": "aws_db_instance"})
	dv := db.Fields["values"].(map[string]any)
	if dv["password"] != "(sensitive)" || dv["storage_encrypted"] != true || dv["publicly_accessible"] != false || dv["backup_retention_period"] != float64(14) {
		t.Errorf("database values %v", dv)
	}
	if db.Line != 364 {
		t.Errorf("database on line %d", db.Line)
	}
	check(t, byID["module.database.module.monitoring.aws_cloudwatch_metric_alarm.cpu"], map[string]any{"module": "module.database.module.monitoring"})
	check(t, byID["data.aws_iam_policy_document.trail_bucket"], map[string]any{"mode": "data", "action_reason": "read_because_config_unknown"})
	check(t, byID["aws_kms_alias.logs[0]"], map[string]any{"index": float64(0)})

	sse := byID["aws_s3_bucket_server_side_encryption_configuration.audit_logs"].Fields["values"].(map[string]any)
	rule := sse["rule"].([]any)[0].(map[string]any)
	if rule["bucket_key_enabled"] != true || rule["apply_server_side_encryption_by_default"].([]any)[0].(map[string]any)["sse_algorithm"] != "aws:kms" {
		t.Errorf("encryption %v", sse)
	}
	web := byID["aws_security_group.web"].Fields["values"].(map[string]any)
	if ingress := web["ingress"].([]any); len(ingress) != 2 || ingress[0].(map[string]any)["cidr_blocks"].([]any)[0] != "0.0.0.0/0" {
		t.Errorf("ingress %v", web["ingress"])
	}

	// Deleted: only in resource_changes, no values after apply.
	legacy := byID["aws_iam_access_key.legacy"]
	check(t, legacy, map[string]any{"values": nil, "module": nil, "type": "aws_iam_access_key", "action_reason": "delete_because_no_resource_config"})
	if legacy.Line != 596 {
		t.Errorf("deleted key on line %d", legacy.Line)
	}
	for _, r := range res.Records {
		if strings.Contains(toJSON(t, r), "correct-horse") {
			t.Errorf("%s holds the database password", r.ID)
		}
	}
}

func TestTerraformPlanEdges(t *testing.T) {
	in := `{"format_version": "2.0", "planned_values": {"root_module": {
  "resources": [{"address": "a.b", "values": {"secret": {"inner": "s", "list": ["x", "y"]}, "n": null},
                 "sensitive_values": {"secret": {"inner": true, "list": [false, true]}, "n": true}},
                {"type": "no_address"}],
  "child_modules": [{"address": "module.m", "resources": [{"address": "module.m.c.d"}]}, 5]}},
 "resource_changes": [{"address": "a.b", "change": {"actions": ["create"]}}, {"change": {}}]}`
	res, err := TerraformPlan("edge.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Problems) != 3 || !strings.Contains(res.Problems[0].Detail, `format version "2.0"`) {
		t.Fatalf("%v, problems %v", res.Records, res.Problems)
	}
	ab := res.Records[0]
	check(t, ab, map[string]any{"values": map[string]any{"secret": map[string]any{"inner": "(sensitive)", "list": []any{"x", "(sensitive)"}}, "n": nil}})
	check(t, res.Records[1], map[string]any{"module": "module.m", "actions": nil, "values": nil, "type": nil})
	for _, bad := range []string{`{"planned_values": {}}`, `{"format_version": "1.0"}`, `[]`} {
		if _, err := TerraformPlan("x.json", strings.NewReader(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func FuzzTerraformPlan(f *testing.F) {
	data, err := os.ReadFile("testdata/terraform-plan.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"a","values":{"p":[1]},"sensitive_values":{"p":[true]}}],"child_modules":[{"address":"module.x","resources":[{"address":"module.x.b"}]}]}},"resource_changes":[{"address":"c","change":{"actions":["delete"]}}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		res, err := TerraformPlan("fuzz.json", strings.NewReader(in))
		if err != nil {
			return
		}
		sane(t, res, "terraform.resource")
	})
}
