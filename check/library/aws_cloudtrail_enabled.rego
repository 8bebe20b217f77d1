# METADATA
# title: CloudTrail records every region with log file validation
# description: >-
#   At least one CloudTrail trail covers all regions and validates its log
#   files, so API activity is recorded everywhere and tampering with the logs
#   can be detected. Each trail found must also validate its log files and,
#   in a Terraform plan, keep logging on. The resource "cloudtrail" stands
#   for the account-wide requirement, and fails when no trail at all is
#   among the records read.
# custom:
#   severity: high
#   controls: [OPS-07]
#   reads: [aws.config_item, terraform.resource]
#   pass: validates its log files (for "cloudtrail", a multi-region trail that does exists)
package attest.checks.aws_cloudtrail_enabled

account := "cloudtrail"

# Every trail as {id, name, multi_region, validation, logging} from either source.
trails := array.concat(
	[t |
		some r in input.aws.config_item
		r.resource_type == "AWS::CloudTrail::Trail"
		live(r)
		c := conf(r)
		t := {
			"id": r._id, "name": object.get(c, "name", object.get(r, "resource_name", r._id)),
			"multi_region": object.get(c, "isMultiRegionTrail", null) == true,
			"validation": object.get(c, "logFileValidationEnabled", null) == true,
			"logging": true,
		}
	],
	[t |
		some r in input.terraform.resource
		r.type == "aws_cloudtrail"
		tf_live(r)
		v := r.values
		t := {
			"id": r._id, "name": object.get(v, "name", object.get(r, "address", r._id)),
			"multi_region": object.get(v, "is_multi_region_trail", null) == true,
			"validation": object.get(v, "enable_log_file_validation", null) == true,
			# enable_logging defaults to true.
			"logging": object.get(v, "enable_logging", true) != false,
		}
	],
)

applies contains account

applies contains t.id if some t in trails

deny contains {"resource": t.id, "msg": sprintf("trail %s does not validate its log files, so changes to delivered logs would go unnoticed", [t.name])} if {
	some t in trails
	not t.validation
}

deny contains {"resource": t.id, "msg": sprintf("trail %s has logging turned off (enable_logging is false)", [t.name])} if {
	some t in trails
	not t.logging
}

deny contains {"resource": account, "msg": msg} if {
	not covered
	msg := no_trail_reason(count(trails))
}

covered if {
	some t in trails
	t.multi_region
	t.validation
	t.logging
}

no_trail_reason(0) := "no CloudTrail trail is found among the AWS Config items and Terraform resources read; the policy wants at least one trail that covers every region and validates its log files"

no_trail_reason(1) := "the one trail found does not cover every region with log file validation and logging on"

no_trail_reason(n) := sprintf("none of the %d trails found covers every region with log file validation and logging on", [n]) if n > 1

# --- records (the same helpers in every AWS Config and Terraform check) ---

# AWS Config items of resources that exist and whose configuration was
# recorded (not resource_deleted, resource_not_recorded, ...).
live(r) if not gone(r)

gone(r) if regex.match(`deleted|not_?recorded`, lower(r.status))

# configuration and supplementary_configuration values are objects, or JSON
# text as some AWS Config APIs return them.
conf(r) := c if {
	c := r.configuration
	is_object(c)
} else := c if {
	c := json.unmarshal(r.configuration)
	is_object(c)
} else := {}

supp(r, key) := v if {
	v := r.supplementary_configuration[key]
	not is_string(v)
} else := v if {
	v := json.unmarshal(r.supplementary_configuration[key])
}

# Terraform resources managed by the plan and still there after it applies.
tf_live(r) if {
	object.get(r, "mode", "managed") != "data"
	is_object(r.values)
	not deleting(r)
}

deleting(r) if r.actions == ["delete"]
