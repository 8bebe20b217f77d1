# METADATA
# title: Security groups do not open SSH or RDP to the internet
# description: >-
#   No security group rule lets traffic from anywhere (0.0.0.0/0 or ::/0)
#   reach port 22 (SSH) or 3389 (RDP), whether the rule names the port, a
#   port range containing it, or all protocols. Administrative access should
#   come through a gateway or a narrow address range. AWS Config security
#   groups and Terraform security groups and ingress rules are both read.
# custom:
#   severity: high
#   controls: [NET-01]
#   reads: [aws.config_item, terraform.resource]
#   pass: no ingress from anywhere to SSH or RDP
package attest.checks.aws_security_group_admin_ports

anywhere := {"0.0.0.0/0", "::/0"}

# Admin ports, their names and the protocols that reach them.
admin_ports := {
	22: {"name": "SSH", "protocols": {"tcp", "6"}},
	3389: {"name": "RDP", "protocols": {"tcp", "6", "udp", "17"}},
}

tf_rule_types := {"aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"}

config_groups := [r |
	some r in input.aws.config_item
	r.resource_type == "AWS::EC2::SecurityGroup"
	live(r)
]

tf_resources := [r |
	some r in input.terraform.resource
	r.type in tf_rule_types
	tf_live(r)
	not egress_rule(r)
]

applies contains r._id if some r in config_groups

applies contains r._id if some r in tf_resources

deny contains {"resource": r._id, "msg": msg} if {
	some r in config_groups
	c := conf(r)
	open := {text |
		some p in object.get(c, "ipPermissions", [])
		rule := {
			"protocol": lower(sprintf("%v", [object.get(p, "ipProtocol", "-1")])),
			"from": object.get(p, "fromPort", null), "to": object.get(p, "toPort", null),
			"cidrs": config_cidrs(p),
		}
		some text in exposures(rule)
	}
	count(open) > 0
	label := sprintf("security group %s (%s)", [object.get(c, "groupId", object.get(r, "resource_id", r._id)), object.get(c, "groupName", "")])
	msg := sprintf("%s allows inbound traffic from anywhere to %s", [label, concat(", ", sort(open))])
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in tf_resources
	open := {text | some rule in tf_rules(r); some text in exposures(rule)}
	count(open) > 0
	msg := sprintf("%s allows inbound traffic from anywhere to %s", [object.get(r, "address", r._id), concat(", ", sort(open))])
}

# Each "port/protocol (name) from cidr" that a rule opens to anywhere.
exposures(rule) := {sprintf("%d/%s (%s) from %s", [port, proto_name(rule.protocol, port), a.name, cidr]) |
	some cidr in rule.cidrs
	anywhere[cidr]
	some port, a in admin_ports
	reaches(rule, port, a.protocols)
}

reaches(rule, _, _) if rule.protocol in {"-1", "all"}

reaches(rule, port, protocols) if {
	rule.protocol in protocols
	in_range(rule, port)
}

# No ports on a rule means every port.
in_range(rule, port) if {
	is_number(rule.from)
	is_number(rule.to)
	rule.from <= port
	port <= rule.to
}

in_range(rule, _) if not is_number(rule.from)

proto_name(p, port) := "tcp" if {
	p in {"-1", "all"}
	port == 22
}

proto_name(p, port) := "tcp+udp" if {
	p in {"-1", "all"}
	port != 22
}

proto_name(p, _) := "tcp" if p == "6"

proto_name(p, _) := "udp" if p == "17"

proto_name(p, _) := p if not p in {"-1", "all", "6", "17"}

# AWS lists IPv4 ranges as ipv4Ranges objects, and in older items as
# ipRanges strings; IPv6 ranges as ipv6Ranges.
config_cidrs(p) := cidrs if {
	v4 := {c | some x in object.get(p, "ipv4Ranges", []); c := x.cidrIp}
	old := {c | some c in object.get(p, "ipRanges", []); is_string(c)}
	v6 := {c | some x in object.get(p, "ipv6Ranges", []); c := x.cidrIpv6}
	cidrs := (v4 | old) | v6
}

egress_rule(r) if {
	r.type == "aws_security_group_rule"
	r.values.type != "ingress"
}

tf_rules(r) := [rule |
	some i in list(object.get(r.values, "ingress", []))
	rule := tf_rule(i, "protocol", object.get(i, "cidr_blocks", []), object.get(i, "ipv6_cidr_blocks", []))
] if r.type == "aws_security_group"

tf_rules(r) := [tf_rule(r.values, "protocol", object.get(r.values, "cidr_blocks", []), object.get(r.values, "ipv6_cidr_blocks", []))] if {
	r.type == "aws_security_group_rule"
}

tf_rules(r) := [tf_rule(r.values, "ip_protocol", [object.get(r.values, "cidr_ipv4", null)], [object.get(r.values, "cidr_ipv6", null)])] if {
	r.type == "aws_vpc_security_group_ingress_rule"
}

tf_rule(v, proto_key, v4, v6) := {
	"protocol": lower(sprintf("%v", [object.get(v, proto_key, "-1")])),
	"from": object.get(v, "from_port", null), "to": object.get(v, "to_port", null),
	"cidrs": {c | some c in array.concat(list(v4), list(v6)); is_string(c)},
}

list(x) := x if is_array(x)

list(x) := [] if not is_array(x)

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
