package attest.checks.aws_security_group_admin_ports_test

import data.attest.checks.aws_security_group_admin_ports as check

sg(id, perms) := {
	"_id": sprintf("arn:aws:ec2:us-east-1:111:security-group/%s", [id]), "resource_type": "AWS::EC2::SecurityGroup", "resource_id": id,
	"account_id": "111", "status": "ok",
	"configuration": {"groupId": id, "groupName": "web", "vpcId": "vpc-1", "ipPermissions": perms, "ipPermissionsEgress": [
		{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"]},
	]},
}

perm(proto, from, to, v4, v6) := {
	"ipProtocol": proto, "fromPort": from, "toPort": to,
	"ipv4Ranges": [{"cidrIp": c} | some c in v4], "ipRanges": v4, "ipv6Ranges": [{"cidrIpv6": c} | some c in v6],
	"userIdGroupPairs": [], "prefixListIds": [],
}

tf(address, typ, values) := {"_id": address, "address": address, "type": typ, "mode": "managed", "values": values, "actions": ["create"]}

test_ssh_from_anywhere_fails if {
	got := check.deny with input as {"aws": {"config_item": [sg("sg-1", [perm("tcp", 22, 22, ["0.0.0.0/0"], [])])]}}
	got == {{"resource": "arn:aws:ec2:us-east-1:111:security-group/sg-1", "msg": "security group sg-1 (web) allows inbound traffic from anywhere to 22/tcp (SSH) from 0.0.0.0/0"}}
}

test_https_from_anywhere_and_ssh_from_office_pass if {
	inp := {"aws": {"config_item": [sg("sg-1", [
		perm("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]),
		perm("tcp", 22, 22, ["203.0.113.0/24"], []),
	])]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"arn:aws:ec2:us-east-1:111:security-group/sg-1"} with input as inp
}

test_all_protocols_and_ranges_count if {
	got := check.deny with input as {"aws": {"config_item": [
		sg("sg-all", [{"ipProtocol": "-1", "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
		sg("sg-range", [perm("tcp", 0, 65535, ["0.0.0.0/0"], [])]),
		sg("sg-udp", [perm("udp", 3389, 3389, ["0.0.0.0/0"], [])]),
		sg("sg-udp22", [perm("udp", 22, 22, ["0.0.0.0/0"], [])]),
		sg("sg-high", [perm("tcp", 8000, 9000, ["0.0.0.0/0"], [])]),
	]}}
	msgs := {f.resource: f.msg | some f in got}
	msgs == {
		"arn:aws:ec2:us-east-1:111:security-group/sg-all": "security group sg-all (web) allows inbound traffic from anywhere to 22/tcp (SSH) from ::/0, 3389/tcp+udp (RDP) from ::/0",
		"arn:aws:ec2:us-east-1:111:security-group/sg-range": "security group sg-range (web) allows inbound traffic from anywhere to 22/tcp (SSH) from 0.0.0.0/0, 3389/tcp (RDP) from 0.0.0.0/0",
		"arn:aws:ec2:us-east-1:111:security-group/sg-udp": "security group sg-udp (web) allows inbound traffic from anywhere to 3389/udp (RDP) from 0.0.0.0/0",
	}
}

test_group_without_rules_passes if {
	inp := {"aws": {"config_item": [object.remove(sg("sg-empty", []), ["configuration"])]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 1 with input as inp
}

test_terraform if {
	inp := {"terraform": {"resource": [
		tf("aws_security_group.bastion", "aws_security_group", {
			"name": "bastion", "ingress": [
				{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
			],
			"egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
		}),
		tf("aws_security_group.web", "aws_security_group", {"name": "web", "ingress": [
			{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
		]}),
		tf("aws_security_group_rule.rdp", "aws_security_group_rule", {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "ipv6_cidr_blocks": ["::/0"]}),
		tf("aws_security_group_rule.out", "aws_security_group_rule", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}),
		tf("aws_vpc_security_group_ingress_rule.ssh", "aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}),
		tf("aws_vpc_security_group_ingress_rule.office", "aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "198.51.100.7/32"}),
	]}}
	got := check.deny with input as inp
	{f.resource | some f in got} == {"aws_security_group.bastion", "aws_security_group_rule.rdp", "aws_vpc_security_group_ingress_rule.ssh"}
	some f in got
	f.msg == "aws_security_group.bastion allows inbound traffic from anywhere to 22/tcp (SSH) from 0.0.0.0/0"
	check.applies == {"aws_security_group.bastion", "aws_security_group.web", "aws_security_group_rule.rdp", "aws_vpc_security_group_ingress_rule.ssh", "aws_vpc_security_group_ingress_rule.office"} with input as inp
}
