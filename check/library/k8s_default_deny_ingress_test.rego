package attest.checks.k8s_default_deny_ingress_test

import data.attest.checks.k8s_default_deny_ingress as check

namespace(name) := {"_id": sprintf("Namespace//%s", [name]), "kind": "Namespace", "name": name, "namespace": "", "object": {"kind": "Namespace", "metadata": {"name": name}}}

deployment(ns, name) := {
	"_id": sprintf("Deployment/%s/%s", [ns, name]), "kind": "Deployment", "name": name, "namespace": ns,
	"object": {"kind": "Deployment", "metadata": {"name": name, "namespace": ns}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:1"}]}}}},
}

policy(ns, name, spec) := {
	"_id": sprintf("NetworkPolicy/%s/%s", [ns, name]), "kind": "NetworkPolicy", "name": name, "namespace": ns,
	"object": {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec},
}

test_namespace_with_default_deny_passes if {
	inp := {"k8s": {"object": [
		namespace("shop"), deployment("shop", "web"),
		policy("shop", "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"Namespace//shop"} with input as inp
}

test_no_policy_types_and_no_rules_counts if {
	inp := {"k8s": {"object": [deployment("shop", "web"), policy("shop", "deny", {"podSelector": {}})]}}
	count(check.deny) == 0 with input as inp
}

test_namespace_without_policy_fails_with_workload_count if {
	inp := {"k8s": {"object": [namespace("shop"), deployment("shop", "web"), deployment("shop", "api"), deployment("other", "x"), policy("other", "d", {"podSelector": {}, "policyTypes": ["Ingress"]})]}}
	got := check.deny with input as inp
	got == {{"resource": "Namespace//shop", "msg": "namespace shop (2 workloads) has no network policy that selects every pod and allows no ingress"}}
	check.applies == {"Namespace//shop", "Namespace//other"} with input as inp
}

test_empty_namespace_object_fails if {
	got := check.deny with input as {"k8s": {"object": [namespace("empty")]}}
	got == {{"resource": "Namespace//empty", "msg": "namespace empty has no network policy that selects every pod and allows no ingress"}}
}

test_policy_that_selects_some_pods_does_not_count if {
	# The sample test-network-policy: selects role=db and allows some ingress.
	p := policy("default", "test-network-policy", {
		"podSelector": {"matchLabels": {"role": "db"}}, "policyTypes": ["Ingress", "Egress"],
		"ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 6379}]}],
	})
	got := check.deny with input as {"k8s": {"object": [deployment("default", "redis"), p]}}
	{f.resource | some f in got} == {"Namespace//default"}
}

test_egress_only_or_allowing_rules_do_not_count if {
	inp := {"k8s": {"object": [
		deployment("a", "w"), policy("a", "egress", {"podSelector": {}, "policyTypes": ["Egress"]}),
		deployment("b", "w"), policy("b", "allow-all", {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]}),
		deployment("c", "w"), policy("c", "expr", {"podSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}}),
	]}}
	{f.resource | some f in check.deny} == {"Namespace//a", "Namespace//b", "Namespace//c"} with input as inp
}

test_unset_namespace_is_default if {
	d := object.union(deployment("", "web"), {"_id": "Deployment//web", "namespace": null})
	p := object.union(policy("", "default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}), {"namespace": ""})
	check.applies == {"Namespace//default"} with input as {"k8s": {"object": [d]}}
	count(check.deny) == 1 with input as {"k8s": {"object": [d]}}
	count(check.deny) == 0 with input as {"k8s": {"object": [d, p]}}
}

test_exempt_namespaces_skipped if {
	inp := {"k8s": {"object": [namespace("kube-system"), deployment("kube-system", "coredns")]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_null_pod_selector_selects_all if {
	count(check.deny) == 0 with input as {"k8s": {"object": [deployment("shop", "web"), policy("shop", "d", {"podSelector": null, "policyTypes": ["Ingress"]})]}}
}
