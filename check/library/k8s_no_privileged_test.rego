package attest.checks.k8s_no_privileged_test

import data.attest.checks.k8s_no_privileged as check

deployment(ns, name, spec) := {
	"_id": sprintf("Deployment/%s/%s", [ns, name]), "kind": "Deployment", "name": name, "namespace": ns,
	"object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns}, "spec": {"template": {"spec": spec}}},
}

pod(ns, name, spec, owners) := {
	"_id": sprintf("Pod/%s/%s", [ns, name]), "kind": "Pod", "name": name, "namespace": ns,
	"object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "ownerReferences": owners}, "spec": spec},
}

test_privileged_container_fails if {
	got := check.deny with input as {"k8s": {"object": [deployment("shop", "web", {"containers": [
		{"name": "app", "image": "app:1.2", "securityContext": {"privileged": true}},
	]})]}}
	got == {{"resource": "Deployment/shop/web", "msg": "container \"app\" sets privileged: true"}}
}

test_escalation_in_init_container_fails if {
	got := check.deny with input as {"k8s": {"object": [deployment("shop", "web", {
		"initContainers": [{"name": "setup", "image": "busybox:1.36", "securityContext": {"allowPrivilegeEscalation": true}}],
		"containers": [{"name": "app", "image": "app:1.2"}],
	})]}}
	got == {{"resource": "Deployment/shop/web", "msg": "init container \"setup\" sets allowPrivilegeEscalation: true"}}
}

test_cronjob_template_is_read if {
	cj := {
		"_id": "CronJob/ops/report", "kind": "CronJob", "name": "report", "namespace": "ops",
		"object": {"kind": "CronJob", "metadata": {"name": "report"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
			{"name": "job", "image": "report:3", "securityContext": {"privileged": true}},
		]}}}}}},
	}
	got := check.deny with input as {"k8s": {"object": [cj]}}
	{f.resource | some f in got} == {"CronJob/ops/report"}
}

test_hardened_and_unset_pass if {
	inp := {"k8s": {"object": [
		deployment("shop", "web", {"containers": [{"name": "app", "image": "app:1.2", "securityContext": {"privileged": false, "allowPrivilegeEscalation": false}}]}),
		deployment("shop", "api", {"containers": [{"name": "api", "image": "api:2"}]}),
		{"_id": "Service/shop/web", "kind": "Service", "name": "web", "namespace": "shop", "object": {"spec": {}}},
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"Deployment/shop/web", "Deployment/shop/api"} with input as inp
}

test_pod_owned_by_present_workload_is_judged_once if {
	spec := {"containers": [{"name": "app", "image": "app:1.2", "securityContext": {"privileged": true}}]}
	rs := {
		"_id": "ReplicaSet/shop/web-5d8", "kind": "ReplicaSet", "name": "web-5d8", "namespace": "shop",
		"object": {"metadata": {"name": "web-5d8", "ownerReferences": [{"kind": "Deployment", "name": "web"}]}, "spec": {"template": {"spec": spec}}},
	}
	inp := {"k8s": {"object": [
		deployment("shop", "web", spec), rs,
		pod("shop", "web-5d8-x1", spec, [{"kind": "ReplicaSet", "name": "web-5d8"}]),
		pod("shop", "lonely-x1", spec, [{"kind": "ReplicaSet", "name": "gone"}]),
	]}}
	{f.resource | some f in check.deny} == {"Deployment/shop/web", "Pod/shop/lonely-x1"} with input as inp
}

test_exempt_namespace_skipped if {
	inp := {"k8s": {"object": [deployment("kube-system", "kube-proxy", {"containers": [{"name": "p", "image": "kp:1", "securityContext": {"privileged": true}}]})]}}
	count(check.deny) == 0 with input as inp
	count(check.applies) == 0 with input as inp
}

test_manifest_without_namespace_reads_as_default if {
	d := object.union(deployment("", "web", {"containers": [{"name": "app", "image": "a:1", "securityContext": {"privileged": true}}]}), {"namespace": null})
	count(check.deny) == 1 with input as {"k8s": {"object": [d]}}
	count(check.deny) == 0 with input as {"k8s": {"object": [d]}}
		with data.attest.params.k8s_no_privileged.exempt_namespaces as ["default"]
}
