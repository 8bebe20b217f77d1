# METADATA
# title: AWS Config rules find no non-compliant resources
# description: >-
#   Every resource that an AWS Config rule evaluates as NON_COMPLIANT is a
#   finding, named with its rule and AWS's annotation, so the organization's
#   own Config rules feed the same list as Attest's checks. Evaluations that
#   are not applicable or lack data are not judged.
# custom:
#   severity: medium
#   controls: [OPS-08]
#   reads: [aws.config_evaluation]
#   pass: the AWS Config rule evaluates the resource as COMPLIANT
package attest.checks.aws_config_rules_compliant

applies contains e._id if {
	some e in input.aws.config_evaluation
	e.compliance in {"compliant", "non_compliant"}
}

deny contains {"resource": e._id, "msg": msg} if {
	some e in input.aws.config_evaluation
	e.compliance == "non_compliant"
	msg := sprintf("AWS Config rule %s evaluates %s %s as NON_COMPLIANT%s%s", [
		text(e, "rule_name", "(unnamed rule)"), text(e, "resource_type", "resource"), text(e, "resource_id", "(no id)"),
		since(e), annotation(e),
	])
}

text(e, key, fallback) := s if {
	s := e[key]
	is_string(s)
	s != ""
} else := fallback

since(e) := sprintf(" (recorded %s)", [e.recorded]) if {
	is_string(e.recorded)
	e.recorded != ""
} else := ""

annotation(e) := sprintf(": %s", [e.annotation]) if {
	is_string(e.annotation)
	e.annotation != ""
} else := ""
