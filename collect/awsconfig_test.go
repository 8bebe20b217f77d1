package collect

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// records indexes a result's records by ID, failing on a repeated one.
func records(t *testing.T, res *Result) map[string]Record {
	t.Helper()
	m := map[string]Record{}
	for _, r := range res.Records {
		if _, ok := m[r.ID]; ok {
			t.Fatalf("record %s twice", r.ID)
		}
		m[r.ID] = r
	}
	return m
}

// check compares some fields of a record with what we want.
func check(t *testing.T, r Record, want map[string]any) {
	t.Helper()
	for k, w := range want {
		if got := r.Fields[k]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s %s: got %#v, want %#v", r.ID, k, got, w)
		}
	}
}

func TestAWSConfigSamples(t *testing.T) {
	tests := []struct {
		file, id string
		line     int
		want     map[string]any
	}{
		{"aws-config_rule-event_example1.json", "arn:aws:ec2:us-east-2:123456789012:instance/i-00000000", 2, map[string]any{
			"resource_type": "AWS::EC2::Instance", "resource_id": "i-00000000", "account_id": "123456789012", "region": "us-east-2",
			"availability_zone": "us-east-2a", "status": "ok", "capture_time": "2016-02-17T01:36:34Z", "resource_name": nil,
			"configuration": map[string]any{"foo": "bar"}, "tags": map[string]any{"Foo": "Bar"},
			"relationships":   []any{map[string]any{"resource_type": "AWS::EC2::EIP", "resource_id": "eipalloc-00000000", "resource_name": nil, "name": "Is attached to ElasticIp"}},
			"rule_parameters": map[string]any{"myParameterKey": "myParameterValue"}, "config_rule_name": "change-triggered-config-rule", "event_left_scope": false,
		}},
		{"aws-config_rule-event_example2.json", "arn:aws:ec2:us-west-2:123456789012:instance/i-00000000", 2, map[string]any{
			"message_type": "OversizedConfigurationItemChangeNotification", "configuration": nil, "region": "us-west-2",
			"resource_creation_time": "2016-10-06T16:46:10Z", "change_type": "UPDATE", "relationships": []any{},
		}},
		// The oldest format: an array of items, "arn" and "accountId", no
		// region, and resource types in capitals.
		{"aws-config_sns-notification_example1.json", "arn:aws:us-west-2b:123456789012:volume/vol-ce676ccc", 10, map[string]any{
			"resource_type": "AWS::EC2::VOLUME", "account_id": "123456789012", "region": nil, "status": "ok",
			"capture_time": "2014-03-07T23:47:08Z", "configuration_state_id": "3e660fdf-4e34-4f32-afeb-0ace5bf3d63a",
			"notification_create_time": "2014-03-18T10:11:00Z",
		}},
		{"aws-config_sns-notification_example2.json", "arn:aws:ec2:us-east-2:123456789012:instance/i-007d374c8912e3e90", 140, map[string]any{
			"tags": map[string]any{"Name": "value"}, "supplementary_configuration": map[string]any{}, "configuration_state_id": float64(1484002214328),
			"notification_creation_time": "2017-01-09T22:50:15Z", "record_version": "1.2",
		}},
		{"aws-config_sns-notification_example3.json", "arn:aws:ec2:us-east-2:123456789012:security-group/sg-3f1fef43", 11, map[string]any{
			"status": "resource_discovered", "availability_zone": nil, "resource_creation_time": nil,
		}},
	}
	for _, tt := range tests {
		res, err := AWSConfig(tt.file, fixture(t, "aws/"+tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 1 || len(res.Problems) != 0 {
			t.Fatalf("%s: %d records, problems %v", tt.file, len(res.Records), res.Problems)
		}
		r := res.Records[0]
		if r.Type != "aws.config_item" || r.ID != tt.id || r.Line != tt.line || r.Source != tt.file {
			t.Errorf("%s: record %s %s line %d", tt.file, r.Type, r.ID, r.Line)
		}
		check(t, r, tt.want)
	}

	// A periodic rule's event names no resource: nothing to read, said so.
	res, err := AWSConfig("periodic.json", fixture(t, "aws/aws-config_rule-event_example3.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 0 || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].String(), "periodic.json: line 2: ScheduledNotification") {
		t.Errorf("periodic event: %v, %v", res.Records, res.Problems)
	}
}

// As get-resource-config-history returns it: the configuration and each
// supplementary configuration are JSON strings.
const configHistory = `{
  "configurationItems": [
    {
      "version": "1.3",
      "accountId": "111122223333",
      "configurationItemCaptureTime": "2026-02-01T10:15:30.123000+01:00",
      "configurationItemStatus": "OK",
      "configurationStateId": "1706779530123",
      "configurationItemMD5Hash": "",
      "arn": "arn:aws:s3:::acme-audit-logs",
      "resourceType": "AWS::S3::Bucket",
      "resourceId": "acme-audit-logs",
      "resourceName": "acme-audit-logs",
      "awsRegion": "eu-west-1",
      "availabilityZone": "Regional",
      "resourceCreationTime": "2024-05-06T07:08:09+00:00",
      "tags": {"owner": "security"},
      "relatedEvents": [],
      "relationships": [],
      "configuration": "{\"name\":\"acme-audit-logs\",\"owner\":{\"displayName\":null}}",
      "supplementaryConfiguration": {
        "PublicAccessBlockConfiguration": "{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true}",
        "BucketVersioningConfiguration": "{\"status\":\"Enabled\",\"isMfaDeleteEnabled\":null}"
      }
    },
    {
      "resourceType": "AWS::IAM::User",
      "resourceId": "AIDAEXAMPLE",
      "configurationItemStatus": "ResourceDeleted",
      "configurationItemCaptureTime": 1769940000,
      "relationships": [{"resourceType": "AWS::IAM::Group", "resourceId": "AGPAEXAMPLE", "resourceName": "admins", "relationshipName": "Is attached to Group"}]
    },
    {"resourceType": "AWS::IAM::Role"},
    "not an item"
  ]
}`

func TestAWSConfigHistory(t *testing.T) {
	res, err := AWSConfig("history.json", strings.NewReader(configHistory))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || len(res.Problems) != 2 {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	if res.Problems[0].Line != 33 || res.Problems[1].Line != 34 || !strings.Contains(res.Problems[1].Detail, "element 4") {
		t.Errorf("problems %v", res.Problems)
	}
	byID := records(t, res)
	check(t, byID["arn:aws:s3:::acme-audit-logs"], map[string]any{
		"account_id": "111122223333", "capture_time": "2026-02-01T09:15:30Z", "region": "eu-west-1", "availability_zone": "Regional",
		"configuration": map[string]any{"name": "acme-audit-logs", "owner": map[string]any{"displayName": nil}},
		"supplementary_configuration": map[string]any{
			"PublicAccessBlockConfiguration": map[string]any{"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true},
			"BucketVersioningConfiguration":  map[string]any{"status": "Enabled", "isMfaDeleteEnabled": nil},
		},
		"configuration_item_md5_hash": "", "version": "1.3", "resource_creation_time": "2024-05-06T07:08:09Z",
	})
	user := byID["AWS::IAM::User/AIDAEXAMPLE"]
	check(t, user, map[string]any{
		"arn": nil, "status": "resource_deleted", "capture_time": "2026-02-01T10:00:00Z", "tags": nil, "configuration": nil,
		"relationships": []any{map[string]any{"resource_type": "AWS::IAM::Group", "resource_id": "AGPAEXAMPLE", "resource_name": "admins", "name": "Is attached to Group"}},
	})
	if user.Line != 26 {
		t.Errorf("user on line %d", user.Line)
	}
}

func TestAWSConfigEvaluations(t *testing.T) {
	// A compliance change as SNS delivers it (the message a string), an
	// EventBridge event, and get-compliance-details output (PascalCase).
	message, _ := json.Marshal(`{
	  "awsAccountId": "111122223333", "configRuleName": "s3-bucket-versioning-enabled",
	  "configRuleARN": "arn:aws:config:eu-west-1:111122223333:config-rule/config-rule-abc",
	  "resourceType": "AWS::S3::Bucket", "resourceId": "acme-audit-logs", "awsRegion": "eu-west-1",
	  "newEvaluationResult": {
	    "evaluationResultIdentifier": {
	      "evaluationResultQualifier": {"configRuleName": "s3-bucket-versioning-enabled", "resourceType": "AWS::S3::Bucket", "resourceId": "acme-audit-logs"},
	      "orderingTimestamp": "2026-02-01T10:00:00.000Z"
	    },
	    "complianceType": "NON_COMPLIANT", "resultRecordedTime": "2026-02-01T10:01:02.345Z",
	    "configRuleInvokedTime": "2026-02-01T10:00:59.000Z", "annotation": "Versioning is suspended.", "resultToken": null
	  },
	  "oldEvaluationResult": null,
	  "notificationCreationTime": "2026-02-01T10:01:03.000Z", "messageType": "ComplianceChangeNotification", "recordVersion": "1.0"
	}`)
	in := `[
	  {"Type": "Notification", "MessageId": "m-1", "Message": ` + string(message) + `},
	  {"version": "0", "detail-type": "Config Rules Compliance Change", "source": "aws.config", "detail": {
	    "resourceId": "sg-1", "awsRegion": "eu-west-1", "awsAccountId": "111122223333", "configRuleName": "restricted-ssh",
	    "messageType": "ComplianceChangeNotification", "resourceType": "AWS::EC2::SecurityGroup",
	    "newEvaluationResult": {"evaluationResultIdentifier": {"evaluationResultQualifier": {"configRuleName": "restricted-ssh", "resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1"}},
	      "complianceType": "COMPLIANT", "resultRecordedTime": "2026-02-02T00:00:00Z"}}},
	  {"EvaluationResults": [
	    {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": "cloudtrail-enabled", "ResourceType": "AWS::::Account", "ResourceId": "111122223333", "EvaluationMode": "DETECTIVE"},
	      "OrderingTimestamp": "2026-02-03T00:00:00+00:00"},
	     "ComplianceType": "INSUFFICIENT_DATA", "ResultRecordedTime": "2026-02-03T00:00:01.5+00:00", "ConfigRuleInvokedTime": "2026-02-03T00:00:00+00:00"},
	    {"EvaluationResultIdentifier": {"EvaluationResultQualifier": {"ConfigRuleName": "cloudtrail-enabled", "ResourceType": "AWS::::Account", "ResourceId": "444455556666"}},
	     "ComplianceType": "MAYBE"}
	  ]}
	]`
	res, err := AWSConfig("evaluations.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 3 || len(res.Problems) != 1 || res.Problems[0].Line != 12 || !strings.Contains(res.Problems[0].Detail, `"MAYBE"`) {
		t.Fatalf("%d records, problems %v", len(res.Records), res.Problems)
	}
	byID := records(t, res)
	sns := byID["s3-bucket-versioning-enabled/AWS::S3::Bucket/acme-audit-logs"]
	if sns.Type != "aws.config_evaluation" || sns.Line != 2 {
		t.Errorf("record %s on line %d", sns.Type, sns.Line)
	}
	check(t, sns, map[string]any{
		"rule_name": "s3-bucket-versioning-enabled", "resource_type": "AWS::S3::Bucket", "resource_id": "acme-audit-logs",
		"compliance": "non_compliant", "recorded": "2026-02-01T10:01:02Z", "annotation": "Versioning is suspended.",
		"config_rule_invoked_time": "2026-02-01T10:00:59Z", "ordering_timestamp": "2026-02-01T10:00:00Z", "aws_region": "eu-west-1",
		"config_rule_arn": "arn:aws:config:eu-west-1:111122223333:config-rule/config-rule-abc", "old_evaluation_result": nil,
	})
	check(t, byID["restricted-ssh/AWS::EC2::SecurityGroup/sg-1"], map[string]any{"compliance": "compliant", "annotation": nil, "recorded": "2026-02-02T00:00:00Z"})
	check(t, byID["cloudtrail-enabled/AWS::::Account/111122223333"], map[string]any{
		"compliance": "insufficient_data", "recorded": "2026-02-03T00:00:01Z", "evaluation_mode": "DETECTIVE", "ordering_timestamp": "2026-02-03T00:00:00Z",
	})
}

func TestAWSConfigRefused(t *testing.T) {
	for _, in := range []string{`{"Records": []}`, `[1`, `"x"`, `{"a":1} {"b":2}`} {
		if _, err := AWSConfig("x.json", strings.NewReader(in)); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
	// Rule parameters that are not JSON: the item is read all the same.
	res, err := AWSConfig("event.json", strings.NewReader(`{"invokingEvent": "{\"messageType\":\"ConfigurationItemChangeNotification\",\"configurationItem\":{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\"}}",
"ruleParameters": "{oops"}`))
	if err != nil || len(res.Records) != 1 || len(res.Problems) != 1 || res.Problems[0].String() != "event.json: line 2: ruleParameters is not JSON: invalid character 'o' looking for beginning of object key string" {
		t.Errorf("%v %v", res, err)
	}
	// An SNS notification that is not AWS Config's: recognised, but a problem.
	res, err = AWSConfig("sns.json", strings.NewReader(`{"Type": "Notification", "Message": "hello"}`))
	if err != nil || len(res.Problems) != 1 {
		t.Errorf("%v %v", res, err)
	}
}

func FuzzAWSConfig(f *testing.F) {
	f.Add(configHistory)
	f.Add(`{"invokingEvent": "{\"configurationItem\":{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b\"},\"messageType\":\"ConfigurationItemChangeNotification\"}", "ruleParameters": "{}"}`)
	f.Add(`{"Type": "Notification", "Message": "{\"messageType\":\"ComplianceChangeNotification\",\"newEvaluationResult\":{\"complianceType\":\"COMPLIANT\"},\"configRuleName\":\"r\",\"resourceType\":\"t\",\"resourceId\":\"i\"}"}`)
	f.Fuzz(func(t *testing.T, in string) {
		res, err := AWSConfig("fuzz.json", strings.NewReader(in))
		if err != nil {
			return
		}
		sane(t, res, "aws.config_item", "aws.config_evaluation")
	})
}

// sane checks what every importer promises: records of the given types
// with an ID, a source, and fields that encode as JSON.
func sane(t *testing.T, res *Result, types ...string) {
	t.Helper()
	for _, r := range res.Records {
		known := false
		for _, typ := range types {
			known = known || r.Type == typ
		}
		if !known || r.ID == "" || r.Source == "" || r.Fields == nil {
			t.Fatalf("record %+v", r)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("record %s: %v", r.ID, err)
		}
	}
	for _, p := range res.Problems {
		if p.File == "" || p.Detail == "" {
			t.Fatalf("problem %+v", p)
		}
	}
}

// toJSON is a record as JSON, for a test to look into.
func toJSON(t *testing.T, r Record) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
