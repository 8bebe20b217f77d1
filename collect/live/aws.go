package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/collect"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// awsNeed is said when AWS refuses the credentials.
const awsNeed = "the credentials need iam:GenerateCredentialReport, iam:GetCredentialReport, config:SelectResourceConfig, " +
	"config:DescribeComplianceByConfigRule and config:GetComplianceDetailsByConfigRule " +
	"(the SecurityAudit managed policy has them)"

// How long to wait for IAM to build the credential report. It usually takes
// seconds; a minute is generous.
const (
	reportPolls    = 30
	reportInterval = 2 * time.Second
)

// defaultResourceTypes are the AWS Config resource types read when AWS does
// not name others: the stores of customer data and the controls around them.
var defaultResourceTypes = []string{
	"AWS::S3::Bucket",
	"AWS::RDS::DBInstance",
	"AWS::EC2::Volume",
	"AWS::CloudTrail::Trail",
	"AWS::EC2::SecurityGroup",
	"AWS::KMS::Key",
	"AWS::DynamoDB::Table",
}

// AWS reads an AWS account: the IAM credential report, AWS Config's
// configuration items of chosen resource types, and the results of the
// account's AWS Config rules.
type AWS struct {
	Config aws.Config // region, credentials and retry settings of the SDK

	// ResourceTypes are the AWS Config types read; nil: S3 buckets, RDS
	// instances, EBS volumes, CloudTrail trails, security groups, KMS keys
	// and DynamoDB tables.
	ResourceTypes []string
	Log           *slog.Logger // nil: no log

	// Sleep waits while the credential report is built; nil waits for real.
	Sleep func(context.Context, time.Duration) error
}

// Collect returns "aws.iam_user", "aws.config_item" and
// "aws.config_evaluation" records.
func (a *AWS) Collect(ctx context.Context) (*collect.Result, error) {
	types := a.ResourceTypes
	if types == nil {
		types = defaultResourceTypes
	}
	for _, t := range types {
		if !resourceType().MatchString(t) {
			return nil, &attest.Error{Code: attest.EINVALID, Message: "aws: " + strconv.Quote(t) + " is not an AWS Config resource type", Hint: "write it as AWS::Service::Type"}
		}
	}
	res, err := a.credentialReport(ctx, iam.NewFromConfig(a.Config))
	if err != nil {
		return nil, err
	}
	cs := configservice.NewFromConfig(a.Config)
	items, err := configItems(ctx, cs, types)
	if err != nil {
		return nil, err
	}
	evals, err := evaluations(ctx, cs)
	if err != nil {
		return nil, err
	}
	res.Records = append(append(res.Records, items...), evals...)
	return res, nil
}

// credentialReport asks IAM to build the credential report, waits for it
// (boundedly), and reads it with collect.IAMCredentialReport.
func (a *AWS) credentialReport(ctx context.Context, c *iam.Client) (*collect.Result, error) {
	log := logger(a.Log)
	for poll := 1; ; poll++ {
		out, err := c.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, awsError(ctx, "iam:GenerateCredentialReport", err)
		}
		if out.State == iamtypes.ReportStateTypeComplete {
			break
		}
		if poll >= reportPolls {
			return nil, &attest.Error{Code: attest.EUNAVAILABLE,
				Message: fmt.Sprintf("aws: the IAM credential report was still %s after %s", strings.ToLower(string(out.State)), reportPolls*reportInterval),
				Hint:    "try again in a few minutes"}
		}
		log.Debug("aws: waiting for the IAM credential report", "state", out.State)
		pause := a.Sleep
		if pause == nil {
			pause = sleep
		}
		if err := pause(ctx, reportInterval); err != nil {
			return nil, err
		}
	}
	out, err := c.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return nil, awsError(ctx, "iam:GetCredentialReport", err)
	}
	if out.ReportFormat != "" && out.ReportFormat != iamtypes.ReportFormatTypeTextCsv {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "aws: the IAM credential report came as " + string(out.ReportFormat) + ", not text/csv"}
	}
	res, err := collect.IAMCredentialReport("aws iam credential report", bytes.NewReader(out.Content))
	if err != nil {
		return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "aws: " + err.Error()}
	}
	for i := range res.Records {
		res.Records[i].Source = "aws"
	}
	return res, nil
}

// resourceType is what an AWS Config resource type looks like; only such
// names go into the query.
var resourceType = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$`) })

// configItems reads the current configuration item of every resource of
// the given types with one advanced query, which, unlike
// BatchGetResourceConfig, also returns tags and relationships.
func configItems(ctx context.Context, c *configservice.Client, types []string) ([]collect.Record, error) {
	quoted := make([]string, len(types))
	for i, t := range types {
		quoted[i] = "'" + t + "'"
	}
	query := "SELECT accountId, arn, availabilityZone, awsRegion, configuration, configurationItemCaptureTime, " +
		"configurationItemStatus, configurationStateId, relationships, resourceCreationTime, resourceId, " +
		"resourceName, resourceType, supplementaryConfiguration, tags, version " +
		"WHERE resourceType IN (" + strings.Join(quoted, ", ") + ")"
	records := []collect.Record{}
	p := configservice.NewSelectResourceConfigPaginator(c, &configservice.SelectResourceConfigInput{Expression: &query, Limit: 100})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsError(ctx, "config:SelectResourceConfig", err)
		}
		for _, s := range page.Results {
			var item map[string]any
			if err := json.Unmarshal([]byte(s), &item); err != nil {
				return nil, &attest.Error{Code: attest.EUNAVAILABLE, Message: "aws: config:SelectResourceConfig returned a result that is not a JSON object"}
			}
			records = append(records, configItemRecord(item))
		}
	}
	return records, nil
}

// configItemRecord converts a configuration item (AWS Config's camelCase
// JSON) into an "aws.config_item" record. Fields RECORDS.md does not name
// are kept in snake_case.
func configItemRecord(item map[string]any) collect.Record {
	f := map[string]any{
		"resource_type": nil, "resource_id": nil, "resource_name": nil, "arn": nil, "account_id": nil,
		"region": nil, "availability_zone": nil, "status": nil, "capture_time": nil,
		"configuration": map[string]any{}, "supplementary_configuration": map[string]any{},
		"tags": map[string]any{}, "relationships": []any{},
	}
	rename := map[string]string{"awsRegion": "region", "awsAccountId": "account_id",
		"configurationItemStatus": "status", "configurationItemCaptureTime": "capture_time"}
	for k, v := range item {
		name, ok := rename[k]
		if !ok {
			name = snake(k)
		}
		switch name {
		case "configuration":
			f[name] = decoded(v)
		case "supplementary_configuration":
			f[name] = supplementary(v)
		case "tags":
			f[name] = tagMap(v)
		case "relationships":
			f[name] = relationships(v)
		case "status":
			f[name] = enum(text(v))
		case "capture_time", "resource_creation_time":
			f[name] = timestamp(text(v))
		case "availability_zone":
			if s := text(v); s != "" && s != "Not Applicable" {
				f[name] = s
			}
		default:
			if s, isText := v.(string); !isText || s != "" {
				f[name] = v
			}
		}
	}
	id := text(f["arn"])
	if id == "" {
		id = text(f["resource_type"]) + "/" + text(f["resource_id"])
	}
	return collect.Record{Type: "aws.config_item", ID: id, Fields: f, Source: "aws"}
}

// evaluations reads the per-resource results of every AWS Config rule.
func evaluations(ctx context.Context, c *configservice.Client) ([]collect.Record, error) {
	var rules []string
	p := configservice.NewDescribeComplianceByConfigRulePaginator(c, &configservice.DescribeComplianceByConfigRuleInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, awsError(ctx, "config:DescribeComplianceByConfigRule", err)
		}
		for _, r := range page.ComplianceByConfigRules {
			if r.ConfigRuleName != nil {
				rules = append(rules, *r.ConfigRuleName)
			}
		}
	}
	records := []collect.Record{}
	for _, rule := range rules {
		in := &configservice.GetComplianceDetailsByConfigRuleInput{
			ConfigRuleName: aws.String(rule),
			// The three the API accepts; without them it would leave some out.
			ComplianceTypes: []cstypes.ComplianceType{cstypes.ComplianceTypeCompliant, cstypes.ComplianceTypeNonCompliant, cstypes.ComplianceTypeNotApplicable},
			Limit:           100,
		}
		p := configservice.NewGetComplianceDetailsByConfigRulePaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, awsError(ctx, "config:GetComplianceDetailsByConfigRule", err)
			}
			for _, r := range page.EvaluationResults {
				records = append(records, evaluationRecord(rule, r))
			}
		}
	}
	return records, nil
}

// evaluationRecord converts one rule result into an "aws.config_evaluation"
// record.
func evaluationRecord(rule string, r cstypes.EvaluationResult) collect.Record {
	var q cstypes.EvaluationResultQualifier
	var id cstypes.EvaluationResultIdentifier
	if r.EvaluationResultIdentifier != nil {
		id = *r.EvaluationResultIdentifier
		if id.EvaluationResultQualifier != nil {
			q = *id.EvaluationResultQualifier
		}
	}
	if q.ConfigRuleName != nil {
		rule = *q.ConfigRuleName
	}
	typ, res := aws.ToString(q.ResourceType), aws.ToString(q.ResourceId)
	f := map[string]any{
		"rule_name":                rule,
		"resource_type":            typ,
		"resource_id":              res,
		"compliance":               enum(string(r.ComplianceType)),
		"recorded":                 stampOf(r.ResultRecordedTime),
		"annotation":               nilIfEmpty(aws.ToString(r.Annotation)),
		"config_rule_invoked_time": stampOf(r.ConfigRuleInvokedTime),
		"ordering_timestamp":       stampOf(id.OrderingTimestamp),
		"evaluation_mode":          nilIfEmpty(enum(string(q.EvaluationMode))),
		"resource_evaluation_id":   nilIfEmpty(aws.ToString(id.ResourceEvaluationId)),
	}
	return collect.Record{Type: "aws.config_evaluation", ID: rule + "/" + typ + "/" + res, Fields: f, Source: "aws"}
}

// awsError turns an SDK error into one that says what was refused or
// failing. AWS's own message (which names the principal and the action, not
// the secret) is kept.
func awsError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		msg := fmt.Sprintf("%s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
		switch apiErr.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError":
			return &attest.Error{Code: attest.EFORBIDDEN, Message: "aws refused the credentials access to " + op + " (" + msg + ")", Hint: awsNeed}
		case "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException",
			"IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "ExpiredTokenException":
			return &attest.Error{Code: attest.EUNAUTHORIZED, Message: "aws refused the credentials (" + op + ": " + msg + ")",
				Hint: "check the credentials the AWS SDK finds (AWS_PROFILE, aws.profile, an expired SSO session); " + awsNeed}
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		switch status := resp.HTTPStatusCode(); {
		case status == 401:
			return &attest.Error{Code: attest.EUNAUTHORIZED, Message: "aws refused the credentials (" + op + ")", Hint: awsNeed}
		case status == 403:
			return &attest.Error{Code: attest.EFORBIDDEN, Message: "aws refused the credentials access to " + op, Hint: awsNeed}
		case status >= 500:
			return &attest.Error{Code: attest.EUNAVAILABLE, Message: fmt.Sprintf("aws: %s kept failing (%d)", op, status), Hint: "the service is failing; try again later"}
		}
	}
	return &attest.Error{Code: attest.EUNAVAILABLE, Message: "aws: " + op + ": " + err.Error()}
}

// decoded returns v, or the JSON inside v when v is a string holding a JSON
// object or array (AWS Config's files and some APIs nest JSON as text).
func decoded(v any) any {
	s, ok := v.(string)
	if !ok || (!strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[")) {
		return v
	}
	var out any
	if json.Unmarshal([]byte(s), &out) != nil {
		return v
	}
	return out
}

func supplementary(v any) any {
	m, ok := decoded(v).(map[string]any)
	if !ok {
		return map[string]any{}
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = decoded(x)
	}
	return out
}

// tagMap reads tags as AWS Config gives them, a list of {key, value} or an
// object, into an object.
func tagMap(v any) map[string]any {
	out := map[string]any{}
	switch t := decoded(v).(type) {
	case map[string]any:
		return t
	case []any:
		for _, x := range t {
			m, _ := x.(map[string]any)
			if k := text(m["key"]); k != "" {
				out[k] = m["value"]
			}
		}
	}
	return out
}

// relationships keeps each relationship with snake_case keys.
func relationships(v any) []any {
	list, _ := decoded(v).([]any)
	out := make([]any, 0, len(list))
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		r := make(map[string]any, len(m))
		for k, val := range m {
			r[snake(k)] = val
		}
		out = append(out, r)
	}
	return out
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func stampOf(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// timestamp renders AWS's times (RFC 3339, with or without fractions) in
// UTC; anything else is kept as it came.
func timestamp(s string) any {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339)
}

// enum writes an AWS enumeration value in lower snake case:
// NON_COMPLIANT -> non_compliant, ResourceDiscovered -> resource_discovered,
// OK -> ok.
func enum(s string) string {
	if strings.ToUpper(s) == s {
		return strings.ToLower(s)
	}
	return snake(s)
}

// snake turns camelCase into snake_case, keeping runs of capitals together
// (configurationItemMD5Hash -> configuration_item_md5_hash).
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		upper := r >= 'A' && r <= 'Z'
		if upper && i > 0 {
			prevLower := rs[i-1] >= 'a' && rs[i-1] <= 'z' || rs[i-1] >= '0' && rs[i-1] <= '9'
			nextLower := i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z'
			if prevLower || (nextLower && rs[i-1] >= 'A' && rs[i-1] <= 'Z') {
				b.WriteByte('_')
			}
		}
		if upper {
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
