package collect

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// AWSConfig reads what AWS Config exports about resources and rules:
// configuration items become "aws.config_item" records and rule results
// "aws.config_evaluation" records. It accepts a single configuration item;
// a snapshot or history file, or get-resource-config-history output
// ({"configurationItems": [...]}); get-compliance-details output
// ({"EvaluationResults": [...]}); an SNS notification, delivered as it is or
// with its message as a string (configuration item changes, oversized
// configuration item changes, which carry only a summary, and compliance
// changes); an EventBridge event from aws.config; the event a custom rule's
// Lambda function receives, whose invoking event is a JSON string and whose
// rule parameters are kept on the records; and a JSON array of any of these.
//
// Fields AWS spells differently across versions ("ARN" and "arn",
// "awsAccountId" and "accountId", "name" and "relationshipName" in
// relationships) are read as one; a configuration given as a JSON string
// (as the API returns it) is decoded. Other fields are kept in snake_case,
// with the notification's own fields (such as the configuration item diff)
// beside the item's.
func AWSConfig(name string, r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	doc, err := parseJSON(name, data)
	if err != nil {
		return nil, err
	}
	c := &configReader{name: name, res: newResult()}
	if !c.read(doc, nil, 0) {
		return nil, errors.New(name + ": not AWS Config data: want configuration items, evaluation results, a Config notification or a rule event")
	}
	return c.res, nil
}

type configReader struct {
	name string
	res  *Result
}

// read reads v with the fields of the message around it (nil at the top);
// it reports whether v was something AWS Config exports. Depth bounds the
// JSON-in-a-string-in-JSON a hostile file could nest.
func (c *configReader) read(v value, around map[string]any, depth int) bool {
	if depth > 6 {
		return false
	}
	switch v.kind() {
	case '[':
		items, _ := v.items()
		for i, it := range items {
			if !c.read(it, around, depth+1) {
				c.res.problem(c.name, it.line, "element %d: not a configuration item, an evaluation result or a Config notification", i+1)
			}
		}
		return true
	case '"':
		in, err := v.embedded()
		return err == nil && in.kind() != '"' && c.read(in, around, depth+1)
	case '{':
		m, _ := v.members()
		return c.object(m, v.line, around, depth)
	}
	return false
}

func (c *configReader) object(m map[string]value, line int, around map[string]any, depth int) bool {
	if ev, ok := lookup(m, "invokingEvent"); ok {
		return c.ruleEvent(m, ev, depth)
	}
	if msg, ok := lookup(m, "Message"); ok && text(m, "Type") == "Notification" {
		return c.nested(msg, "the notification's message", around, depth)
	}
	if d, ok := lookup(m, "detail"); ok && text(m, "source") == "aws.config" {
		return c.nested(d, "the event's detail", around, depth)
	}
	if _, ok := lookup(m, "messageType"); ok {
		c.message(m, line, around, depth)
		return true
	}
	if list, ok := lookup(m, "configurationItems", "baseConfigurationItems", "EvaluationResults"); ok && list.kind() == '[' {
		return c.read(list, around, depth+1)
	}
	if _, ok := lookup(m, "evaluationResultIdentifier"); ok {
		c.evaluation(m, line, nil)
		return true
	}
	if _, ok := lookup(m, "resourceType"); ok {
		if _, ok := lookup(m, "resourceId"); ok {
			c.item(m, line, around)
			return true
		}
	}
	return false
}

// nested reads the message inside an envelope; a message that is not AWS
// Config's is a problem, the envelope having been recognised.
func (c *configReader) nested(v value, what string, around map[string]any, depth int) bool {
	if !c.read(v, around, depth+1) {
		c.res.problem(c.name, v.line, "%s is not an AWS Config message", what)
	}
	return true
}

// ruleEvent reads the event a custom rule's Lambda function receives.
func (c *configReader) ruleEvent(m map[string]value, ev value, depth int) bool {
	around := map[string]any{
		"config_rule_name": orNil(text(m, "configRuleName")),
		"config_rule_arn":  orNil(text(m, "configRuleArn")),
		"rule_parameters":  nil,
	}
	if left, ok := lookup(m, "eventLeftScope"); ok {
		around["event_left_scope"] = left.any()
	}
	if p, ok := lookup(m, "ruleParameters"); ok && p.kind() == '"' {
		in, err := p.embedded()
		if err != nil {
			c.res.problem(c.name, p.line, "ruleParameters is not JSON: %v", err)
		} else {
			around["rule_parameters"] = in.any()
		}
	} else if ok {
		around["rule_parameters"] = p.any()
	}
	return c.nested(ev, "the rule event's invokingEvent", around, depth)
}

// message reads a Config notification by its messageType.
func (c *configReader) message(m map[string]value, line int, around map[string]any, depth int) {
	kind := text(m, "messageType")
	var inner value
	var ok bool
	switch kind {
	case "ConfigurationItemChangeNotification":
		inner, ok = lookup(m, "configurationItem")
	case "OversizedConfigurationItemChangeNotification":
		inner, ok = lookup(m, "configurationItemSummary")
	case "ComplianceChangeNotification":
		if ev, found := lookup(m, "newEvaluationResult"); found {
			if em, isObj := ev.members(); isObj {
				c.evaluation(em, ev.line, m)
				return
			}
		}
	}
	if !ok || (inner.kind() != '{' && inner.kind() != '[') {
		c.res.problem(c.name, line, "%s: no configuration item or evaluation result in it, nothing read", orDash(kind))
		return
	}
	all := map[string]any{}
	for k, v := range around {
		all[k] = v
	}
	keep(all, m, "configurationItem", "configurationItemSummary")
	c.nested(inner, kind+"'s configuration item", all, depth)
}

// configItemFields are the item's fields RECORDS.md names, by AWS's
// spellings in lower case.
var configItemFields = map[string]bool{
	"arn": true, "resourcetype": true, "resourceid": true, "resourcename": true, "awsaccountid": true,
	"accountid": true, "awsregion": true, "availabilityzone": true, "configurationitemstatus": true,
	"configurationitemcapturetime": true, "configuration": true, "supplementaryconfiguration": true,
	"tags": true, "relationships": true,
}

// item reads one configuration item (or an oversized item's summary).
func (c *configReader) item(m map[string]value, line int, around map[string]any) {
	typ, id := text(m, "resourceType"), text(m, "resourceId")
	if typ == "" || id == "" {
		c.res.problem(c.name, line, "a configuration item without resourceType or resourceId")
		return
	}
	f := map[string]any{
		"resource_type":               typ,
		"resource_id":                 id,
		"resource_name":               orNil(text(m, "resourceName")),
		"arn":                         orNil(text(m, "ARN")),
		"account_id":                  orNil(text(m, "awsAccountId", "accountId")),
		"region":                      orNil(text(m, "awsRegion")),
		"availability_zone":           zone(text(m, "availabilityZone")),
		"status":                      orNil(snake(text(m, "configurationItemStatus"))),
		"configuration":               c.decoded(m, "configuration"),
		"supplementary_configuration": nil,
		"tags":                        nil,
		"relationships":               relationships(m),
	}
	f["capture_time"] = timeValue(pick(m, "configurationItemCaptureTime"))
	if s, ok := c.decoded(m, "supplementaryConfiguration").(map[string]any); ok {
		// The API gives each supplementary configuration as a JSON string.
		for k, v := range s {
			if str, isStr := v.(string); isStr && (strings.HasPrefix(str, "{") || strings.HasPrefix(str, "[")) {
				if in, err := parseJSON(c.name, []byte(str)); err == nil {
					s[k] = in.any()
				}
			}
		}
		f["supplementary_configuration"] = s
	}
	if t, ok := pick(m, "tags").any().(map[string]any); ok {
		f["tags"] = t
	}
	for k, v := range m {
		if !configItemFields[strings.ToLower(k)] {
			f[snake(k)] = fieldValue(k, v)
		}
	}
	for k, v := range around {
		if _, set := f[k]; !set {
			f[k] = v
		}
	}
	rid := typ + "/" + id
	if arn, _ := f["arn"].(string); arn != "" {
		rid = arn
	}
	c.res.Records = append(c.res.Records, Record{Type: "aws.config_item", ID: rid, Fields: f, Source: c.name, Line: line})
}

// decoded is the object at key, decoding it first if AWS sent it as a
// JSON string; an empty string or null is nil.
func (c *configReader) decoded(m map[string]value, key string) any {
	v := pick(m, key)
	if v.kind() == '"' {
		if v.str() == "" {
			return nil
		}
		in, err := v.embedded()
		if err != nil {
			return v.str()
		}
		return in.any()
	}
	return v.any()
}

// zone is an availability zone, or nil for AWS's "Not Applicable".
func zone(s string) any {
	if strings.EqualFold(s, "Not Applicable") {
		return nil
	}
	return orNil(s)
}

// relationships reads an item's relationships into one shape, whichever
// of AWS's spellings the export uses.
func relationships(m map[string]value) []any {
	out := []any{}
	items, _ := pick(m, "relationships").items()
	for _, it := range items {
		rm, ok := it.members()
		if !ok {
			continue
		}
		out = append(out, map[string]any{
			"resource_type": orNil(text(rm, "resourceType")),
			"resource_id":   orNil(text(rm, "resourceId")),
			"resource_name": orNil(text(rm, "resourceName")),
			"name":          orNil(text(rm, "name", "relationshipName")),
		})
	}
	return out
}

// keep copies the members of m not named in skip into f, in snake_case.
func keep(f map[string]any, m map[string]value, skip ...string) {
next:
	for k, v := range m {
		for _, s := range skip {
			if strings.EqualFold(k, s) {
				continue next
			}
		}
		f[snake(k)] = fieldValue(k, v)
	}
}

// fieldValue is a kept field's value: times (the names end in "Time" or
// "Timestamp") are rendered as RFC 3339, the rest as they are.
func fieldValue(key string, v value) any {
	lk := strings.ToLower(key)
	if v.kind() == '"' && (strings.HasSuffix(lk, "time") || strings.HasSuffix(lk, "timestamp")) {
		if t := timeValue(v); t != nil {
			return t
		}
	}
	return v.any()
}

// evaluation reads one evaluation result; around is the compliance
// change notification holding it, if any, whose fields are kept too.
func (c *configReader) evaluation(m map[string]value, line int, around map[string]value) {
	ident, _ := pick(m, "evaluationResultIdentifier").members()
	qual, _ := pick(ident, "evaluationResultQualifier").members()
	from := func(key string) string {
		if s := text(qual, key); s != "" {
			return s
		}
		return text(around, key)
	}
	rule, typ, id := from("configRuleName"), from("resourceType"), from("resourceId")
	if rule == "" || typ == "" || id == "" {
		c.res.problem(c.name, line, "an evaluation result without its rule name, resource type or resource ID")
		return
	}
	compliance := strings.ToLower(text(m, "complianceType"))
	switch compliance {
	case "compliant", "non_compliant", "not_applicable", "insufficient_data":
	default:
		c.res.problem(c.name, line, "evaluation of %s by %s: compliance type %q is not one AWS Config uses", id, rule, text(m, "complianceType"))
		return
	}
	f := map[string]any{}
	keep(f, around, "newEvaluationResult")
	keep(f, qual)
	keep(f, ident, "evaluationResultQualifier")
	keep(f, m, "evaluationResultIdentifier")
	delete(f, "compliance_type")
	delete(f, "result_recorded_time")
	for k, v := range map[string]any{
		"rule_name": rule, "resource_type": typ, "resource_id": id, "compliance": compliance,
		"recorded": timeValue(pick(m, "resultRecordedTime")), "annotation": orNil(text(m, "annotation")),
	} {
		f[k] = v
	}
	delete(f, "config_rule_name")
	c.res.Records = append(c.res.Records, Record{Type: "aws.config_evaluation", ID: rule + "/" + typ + "/" + id, Fields: f, Source: c.name, Line: line})
}
