package attest.checks.k8s_namespace_restricted_test

import data.attest.checks.k8s_namespace_restricted as check

ns(name, labels) := {
	"_id": sprintf("Namespace//%s", [name]), "kind": "Namespace", "api_version": "v1",
	"name": name, "namespace": "", "labels": labels,
	"object": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}},
}

test_restricted_namespace_passes if {
	inp := {"k8s": {"object": [ns("shop", {
		"pod-security.kubernetes.io/enforce": "restricted",
		"pod-security.kubernetes.io/enforce-version": "latest",
	})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"Namespace//shop"} with input as inp
}

test_baseline_namespace_fails_with_level if {
	got := check.deny with input as {"k8s": {"object": [ns("shop", {"pod-security.kubernetes.io/enforce": "baseline"})]}}
	count(got) == 1
	some f in got
	f.resource == "Namespace//shop"
	contains(f.msg, "\"baseline\"")
}

test_warn_label_alone_fails if {
	got := check.deny with input as {"k8s": {"object": [ns("shop", {"pod-security.kubernetes.io/warn": "restricted"})]}}
	count(got) == 1
	some f in got
	contains(f.msg, "has no pod-security.kubernetes.io/enforce label")
}

test_no_labels_at_all_fails if {
	n := object.remove(ns("shop", {}), ["labels"])
	got := check.deny with input as {"k8s": {"object": [n]}}
	count(got) == 1
}

test_labels_read_from_manifest_when_record_has_none if {
	n := object.union(ns("shop", {"pod-security.kubernetes.io/enforce": "restricted"}), {"labels": null})
	count(check.deny) == 0 with input as {"k8s": {"object": [n]}}
}

test_system_namespaces_exempt_by_default if {
	inp := {"k8s": {"object": [ns("kube-system", {}), ns("kube-public", {}), ns("kube-node-lease", {})]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_exemptions_are_a_parameter if {
	got := check.deny with input as {"k8s": {"object": [ns("kube-system", {}), ns("legacy", {})]}}
		with data.attest.params.k8s_namespace_restricted.exempt_namespaces as ["legacy"]
	{f.resource | some f in got} == {"Namespace//kube-system"}
}

test_other_kinds_ignored if {
	inp := {"k8s": {"object": [{"_id": "Pod/shop/web", "kind": "Pod", "name": "web", "namespace": "shop", "labels": {}, "object": {}}]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_namespace_record_without_manifest_still_judged if {
	n := {"_id": "Namespace//bare", "kind": "Namespace", "name": "bare"}
	got := check.deny with input as {"k8s": {"object": [n]}}
	{f.resource | some f in got} == {"Namespace//bare"}
}
