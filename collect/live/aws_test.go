package live

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attest-dev/attest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/google/go-cmp/cmp"
)

const (
	testAWSKeyID  = "AKIATESTKEYID0000000"
	testAWSSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYTESTSECRET"
)

// credentialReportCSV is AWS's documented header with rows of our own.
func credentialReportCSV(t *testing.T) string {
	t.Helper()
	header, err := os.ReadFile("../../testdata/formats/aws/iam-credential-report_header.csv")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(header)) + "\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,2026-01-10T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n" +
		"dana,arn:aws:iam::123456789012:user/dana,2024-03-01T09:00:00+00:00,true,2026-02-01T08:00:00+00:00,2026-01-02T00:00:00+00:00,N/A,false,true,2025-06-01T00:00:00+00:00,2026-02-01T12:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
}

// snsItem is the configuration item inside one of AWS Config's documented
// SNS notification examples.
func snsItem(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../testdata/formats/aws/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var n struct {
		Message struct {
			Item json.RawMessage `json:"configurationItem"`
		}
	}
	if err := json.Unmarshal(data, &n); err != nil {
		t.Fatal(err)
	}
	var one map[string]any
	if json.Unmarshal(n.Message.Item, &one) == nil {
		return one
	}
	var list []map[string]any
	if err := json.Unmarshal(n.Message.Item, &list); err != nil || len(list) == 0 {
		t.Fatalf("%s: no configuration item: %v", file, err)
	}
	return list[0]
}

// bucketItem is an S3 bucket as an advanced query returns it: tags as
// key/value pairs, supplementary configuration as objects.
const bucketItem = `{"accountId":"123456789012","arn":"arn:aws:s3:::acme-audit-logs","availabilityZone":"Regional",
"awsRegion":"us-east-1","configuration":{"name":"acme-audit-logs","creationDate":"2024-05-01T10:00:00.000Z"},
"configurationItemCaptureTime":"2026-02-01T06:00:00.123Z","configurationItemStatus":"OK","configurationStateId":"1769925600123",
"relationships":[],"resourceCreationTime":"2024-05-01T10:00:00.000Z","resourceId":"acme-audit-logs","resourceName":"acme-audit-logs",
"resourceType":"AWS::S3::Bucket","supplementaryConfiguration":{"BucketVersioningConfiguration":{"status":"Off","isMfaDeleteEnabled":null},
"PublicAccessBlockConfiguration":"{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true}"},
"tags":[{"key":"owner","value":"security","tag":"owner=security"}],"version":"1.3"}`

// awsServer answers the IAM query protocol and the AWS Config JSON 1.1
// protocol on one endpoint. fail, when set, may answer a call instead.
type awsServer struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	calls []string
	polls int // GenerateCredentialReport answers before COMPLETE
	fail  func(op string, n int, w http.ResponseWriter) bool
}

func newAWSServer(t *testing.T) *awsServer {
	a := &awsServer{t: t, polls: 1}
	volume, group := snsItem(t, "aws-config_sns-notification_example1.json"), snsItem(t, "aws-config_sns-notification_example3.json")
	page1 := []string{mustJSON(t, volume), mustJSON(t, group)}
	report := base64.StdEncoding.EncodeToString([]byte(credentialReportCSV(t)))
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Authorization"), "Credential="+testAWSKeyID+"/") {
			t.Errorf("request not signed with the test credentials: %q", r.Header.Get("Authorization"))
		}
		body, _ := io.ReadAll(r.Body)
		op, input := "", map[string]any{}
		if target := r.Header.Get("X-Amz-Target"); target != "" {
			op = strings.TrimPrefix(target, "StarlingDoveService.")
			if err := json.Unmarshal(body, &input); err != nil {
				t.Errorf("%s: body %q", op, body)
			}
		} else {
			form, _ := url.ParseQuery(string(body))
			op = form.Get("Action")
			if form.Get("Version") != "2010-05-08" {
				t.Errorf("%s: IAM version %q", op, form.Get("Version"))
			}
		}
		a.mu.Lock()
		a.calls = append(a.calls, op)
		n := 0
		for _, c := range a.calls {
			if c == op {
				n++
			}
		}
		a.mu.Unlock()
		if a.fail != nil && a.fail(op, n, w) {
			return
		}
		switch op {
		case "GenerateCredentialReport":
			state := "COMPLETE"
			if n <= a.polls {
				state = "STARTED"
			}
			iamAnswer(w, op, "<State>"+state+"</State><Description>No report exists. Starting a new report generation task</Description>")
		case "GetCredentialReport":
			iamAnswer(w, op, "<Content>"+report+"</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-02-01T06:00:00Z</GeneratedTime>")
		case "SelectResourceConfig":
			expr, _ := input["Expression"].(string)
			if !strings.Contains(expr, "WHERE resourceType IN ('AWS::S3::Bucket', 'AWS::RDS::DBInstance', 'AWS::EC2::Volume', ") ||
				!strings.Contains(expr, "tags") || !strings.Contains(expr, "relationships") {
				t.Errorf("query %q", expr)
			}
			if input["NextToken"] == nil {
				configAnswer(w, map[string]any{"Results": page1, "QueryInfo": map[string]any{"SelectFields": []any{map[string]any{"Name": "resourceId"}}}, "NextToken": "page-2"})
			} else {
				configAnswer(w, map[string]any{"Results": []string{bucketItem}})
			}
		case "DescribeComplianceByConfigRule":
			if input["NextToken"] == nil {
				configAnswer(w, map[string]any{"ComplianceByConfigRules": []any{map[string]any{"ConfigRuleName": "s3-bucket-versioning-enabled",
					"Compliance": map[string]any{"ComplianceType": "NON_COMPLIANT", "ComplianceContributorCount": map[string]any{"CappedCount": 1, "CapExceeded": false}}}},
					"NextToken": "rules-2"})
			} else {
				configAnswer(w, map[string]any{"ComplianceByConfigRules": []any{map[string]any{"ConfigRuleName": "restricted-ssh",
					"Compliance": map[string]any{"ComplianceType": "COMPLIANT"}}}})
			}
		case "GetComplianceDetailsByConfigRule":
			if types, _ := input["ComplianceTypes"].([]any); len(types) != 3 {
				t.Errorf("compliance types %v", input["ComplianceTypes"])
			}
			rule, _ := input["ConfigRuleName"].(string)
			if rule == "s3-bucket-versioning-enabled" {
				configAnswer(w, map[string]any{"EvaluationResults": []any{evaluation(rule, "AWS::S3::Bucket", "acme-audit-logs", "NON_COMPLIANT", "Versioning is not enabled.")}})
			} else {
				configAnswer(w, map[string]any{"EvaluationResults": []any{evaluation(rule, "AWS::EC2::SecurityGroup", "sg-3f1fef43", "COMPLIANT", "")}})
			}
		default:
			t.Errorf("unexpected call %q", op)
			w.WriteHeader(400)
		}
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func evaluation(rule, typ, id, compliance, annotation string) map[string]any {
	e := map[string]any{
		"EvaluationResultIdentifier": map[string]any{
			"EvaluationResultQualifier": map[string]any{"ConfigRuleName": rule, "ResourceType": typ, "ResourceId": id, "EvaluationMode": "DETECTIVE"},
			"OrderingTimestamp":         1769925600.0,
		},
		"ComplianceType":        compliance,
		"ResultRecordedTime":    1769925660.5,
		"ConfigRuleInvokedTime": 1769925601,
	}
	if annotation != "" {
		e["Annotation"] = annotation
	}
	return e
}

func iamAnswer(w http.ResponseWriter, op, result string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%[1]sResult>%[2]s</%[1]sResult>`+
		`<ResponseMetadata><RequestId>29f0c7e7-0000-4000-8000-000000000000</RequestId></ResponseMetadata></%[1]sResponse>`, op, result)
}

func iamError(status int, code, message string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code>`+
			`<Message>%s</Message></Error><RequestId>5a3a0d3e-0000-4000-8000-000000000000</RequestId></ErrorResponse>`, code, message)
	}
}

func configAnswer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(v)
}

func configError(status int, typ, message string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Errortype", typ+":")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, message)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// connector points the SDK at the test server with static credentials and
// retries without pauses.
func (a *awsServer) connector(w *waits, log *bytes.Buffer) *AWS {
	cfg := aws.Config{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(a.srv.URL),
		HTTPClient:   a.srv.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: testAWSKeyID, SecretAccessKey: testAWSSecret, Source: "test"}, nil
		}),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.RateLimiter = ratelimit.None
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		},
	}
	return &AWS{Config: cfg, Log: testLog(log), Sleep: w.sleep}
}

func (a *awsServer) count(op string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, c := range a.calls {
		if c == op {
			n++
		}
	}
	return n
}

func TestAWS(t *testing.T) {
	a := newAWSServer(t)
	var w waits
	var log bytes.Buffer
	res, err := a.connector(&w, &log).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{reportInterval}, w.all()); diff != "" {
		t.Errorf("waits for the report (-want +got):\n%s", diff)
	}
	var ids []string
	for _, r := range res.Records {
		ids = append(ids, r.Type+" "+r.ID)
		if r.Source != "aws" {
			t.Errorf("%s: source %q", r.ID, r.Source)
		}
	}
	want := []string{
		"aws.iam_user <root_account>",
		"aws.iam_user dana",
		"aws.config_item arn:aws:us-west-2b:123456789012:volume/vol-ce676ccc",
		"aws.config_item arn:aws:ec2:us-east-2:123456789012:security-group/sg-3f1fef43",
		"aws.config_item arn:aws:s3:::acme-audit-logs",
		"aws.config_evaluation s3-bucket-versioning-enabled/AWS::S3::Bucket/acme-audit-logs",
		"aws.config_evaluation restricted-ssh/AWS::EC2::SecurityGroup/sg-3f1fef43",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems %v", res.Problems)
	}
	if root := res.Records[0].Fields; root["root"] != true || root["mfa_active"] != true {
		t.Errorf("root %v", root)
	}

	bucket := res.Records[4].Fields
	wantBucket := map[string]any{
		"resource_type": "AWS::S3::Bucket", "resource_id": "acme-audit-logs", "resource_name": "acme-audit-logs",
		"arn": "arn:aws:s3:::acme-audit-logs", "account_id": "123456789012", "region": "us-east-1",
		"availability_zone": "Regional", "status": "ok", "capture_time": "2026-02-01T06:00:00Z",
		"configuration": map[string]any{"name": "acme-audit-logs", "creationDate": "2024-05-01T10:00:00.000Z"},
		"supplementary_configuration": map[string]any{
			"BucketVersioningConfiguration":  map[string]any{"status": "Off", "isMfaDeleteEnabled": nil},
			"PublicAccessBlockConfiguration": map[string]any{"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true},
		},
		"tags": map[string]any{"owner": "security"}, "relationships": []any{},
		"resource_creation_time": "2024-05-01T10:00:00Z", "configuration_state_id": "1769925600123", "version": "1.3",
	}
	if diff := cmp.Diff(wantBucket, bucket); diff != "" {
		t.Errorf("bucket (-want +got):\n%s", diff)
	}

	// The documented notification form: awsAccountId, ARN, "Not Applicable".
	group := res.Records[3].Fields
	if group["account_id"] != "123456789012" || group["arn"] != "arn:aws:ec2:us-east-2:123456789012:security-group/sg-3f1fef43" ||
		group["availability_zone"] != nil || group["status"] != "resource_discovered" || group["region"] != "us-east-2" ||
		group["resource_name"] != nil || group["configuration_state_md5_hash"] != "7399608745296f67f7fe1c9ca56d5205" {
		t.Errorf("security group %v", group)
	}
	rel := []any{map[string]any{"resource_id": "vpc-14400670", "resource_name": nil, "resource_type": "AWS::EC2::VPC", "name": "Is contained in Vpc"}}
	if diff := cmp.Diff(rel, group["relationships"]); diff != "" {
		t.Errorf("relationships (-want +got):\n%s", diff)
	}
	if volume := res.Records[2].Fields; volume["configuration_state_id"] != "3e660fdf-4e34-4f32-afeb-0ace5bf3d63a" || volume["capture_time"] != "2014-03-07T23:47:08Z" {
		t.Errorf("volume %v", volume)
	}

	wantEval := map[string]any{
		"rule_name": "s3-bucket-versioning-enabled", "resource_type": "AWS::S3::Bucket", "resource_id": "acme-audit-logs",
		"compliance": "non_compliant", "recorded": "2026-02-01T06:01:00Z", "annotation": "Versioning is not enabled.",
		"config_rule_invoked_time": "2026-02-01T06:00:01Z", "ordering_timestamp": "2026-02-01T06:00:00Z",
		"evaluation_mode": "detective", "resource_evaluation_id": nil,
	}
	if diff := cmp.Diff(wantEval, res.Records[5].Fields); diff != "" {
		t.Errorf("evaluation (-want +got):\n%s", diff)
	}
	if e := res.Records[6].Fields; e["compliance"] != "compliant" || e["annotation"] != nil {
		t.Errorf("evaluation %v", e)
	}
	noSecret(t, res, nil, log.String())
}

func TestAWSFailures(t *testing.T) {
	tests := []struct {
		name  string
		op    string // the call answered badly
		times int    // its first n calls
		fail  func(http.ResponseWriter)
		code  string // "" for success
		says  []string
	}{
		{"credentials refused", "GenerateCredentialReport", 1,
			iamError(403, "InvalidClientTokenId", "The security token included in the request is invalid."),
			attest.EUNAUTHORIZED, []string{"aws refused the credentials", "InvalidClientTokenId", "AWS_PROFILE"}},
		{"no permission for the report", "GenerateCredentialReport", 1,
			iamError(403, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GenerateCredentialReport"),
			attest.EFORBIDDEN, []string{"access to iam:GenerateCredentialReport", "user/auditor", "SecurityAudit"}},
		{"no permission for AWS Config part-way", "SelectResourceConfig", 1,
			configError(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: config:SelectResourceConfig"),
			attest.EFORBIDDEN, []string{"access to config:SelectResourceConfig", "config:SelectResourceConfig"}},
		{"throttled then served", "GetComplianceDetailsByConfigRule", 1, configError(400, "ThrottlingException", "Rate exceeded"), "", nil},
		{"5xx then served", "SelectResourceConfig", 2, configError(500, "InternalServerError", "internal"), "", nil},
		{"5xx forever", "GetCredentialReport", 100, iamError(500, "ServiceFailure", "internal"),
			attest.EUNAVAILABLE, []string{"aws: iam:GetCredentialReport kept failing (500)", "try again later"}},
		{"second page of rules fails", "DescribeComplianceByConfigRule", 100, nil, attest.EUNAVAILABLE, []string{"config:DescribeComplianceByConfigRule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAWSServer(t)
			a.fail = func(op string, n int, w http.ResponseWriter) bool {
				if op != tt.op || n > tt.times {
					return false
				}
				if tt.fail == nil { // the second page only
					if n == 1 {
						return false
					}
					configError(400, "InvalidNextTokenException", "The specified next token is invalid.")(w)
					return true
				}
				tt.fail(w)
				return true
			}
			var log bytes.Buffer
			res, err := a.connector(new(waits), &log).Collect(context.Background())
			noSecret(t, res, err, log.String())
			if tt.code == "" {
				if err != nil || len(res.Records) != 7 {
					t.Fatalf("error %v, result %v", err, res)
				}
				return
			}
			if res != nil {
				t.Errorf("a partial result was returned: %d records", len(res.Records))
			}
			if attest.ErrorCode(err) != tt.code {
				t.Fatalf("code %q, want %q (%v)", attest.ErrorCode(err), tt.code, err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestAWSReportNeverReady(t *testing.T) {
	a := newAWSServer(t)
	a.polls = 1000
	var w waits
	res, err := a.connector(&w, new(bytes.Buffer)).Collect(context.Background())
	if res != nil || attest.ErrorCode(err) != attest.EUNAVAILABLE || !strings.Contains(err.Error(), "still started after 1m0s") {
		t.Fatalf("result %v, error %v", res, err)
	}
	if got := a.count("GenerateCredentialReport"); got != reportPolls || len(w.all()) != reportPolls-1 {
		t.Errorf("%d polls, %d waits", got, len(w.all()))
	}
}

func TestAWSCancelled(t *testing.T) {
	a := newAWSServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := a.connector(new(waits), new(bytes.Buffer))
	c.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	res, err := c.Collect(ctx)
	if res != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("result %v, error %v", res, err)
	}
	if a.count("GetCredentialReport") != 0 {
		t.Error("went on after the cancel")
	}
}

func TestAWSRefusesOddResourceTypes(t *testing.T) {
	c := &AWS{ResourceTypes: []string{"AWS::S3::Bucket') OR (1=1"}}
	if _, err := c.Collect(context.Background()); attest.ErrorCode(err) != attest.EINVALID {
		t.Fatalf("error %v", err)
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"resourceId": "resource_id", "configurationStateID": "configuration_state_id", "ARN": "arn",
		"configurationStateMd5Hash": "configuration_state_md5_hash", "configurationItemMD5Hash": "configuration_item_md5_hash",
		"awsRegion": "aws_region", "ResourceDiscovered": "resource_discovered",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"NON_COMPLIANT": "non_compliant", "OK": "ok", "ResourceDeletedNotRecorded": "resource_deleted_not_recorded"} {
		if got := enum(in); got != want {
			t.Errorf("enum(%q) = %q, want %q", in, got, want)
		}
	}
}
