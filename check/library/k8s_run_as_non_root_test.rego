package attest.checks.k8s_run_as_non_root_test

import data.attest.checks.k8s_run_as_non_root as check

sts(spec) := {
	"_id": "StatefulSet/data/db", "kind": "StatefulSet", "name": "db", "namespace": "data",
	"object": {"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "data"}, "spec": {"template": {"spec": spec}}},
}

test_pod_level_setting_covers_containers if {
	inp := {"k8s": {"object": [sts({
		"securityContext": {"runAsNonRoot": true, "runAsUser": 1000},
		"initContainers": [{"name": "init", "image": "i:1"}],
		"containers": [{"name": "db", "image": "db:1"}],
	})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"StatefulSet/data/db"} with input as inp
}

test_container_level_setting_passes if {
	count(check.deny) == 0 with input as {"k8s": {"object": [sts({"containers": [
		{"name": "db", "image": "db:1", "securityContext": {"runAsNonRoot": true}},
	]})]}}
}

test_nothing_set_fails if {
	got := check.deny with input as {"k8s": {"object": [sts({"containers": [{"name": "db", "image": "db:1"}]})]}}
	got == {{"resource": "StatefulSet/data/db", "msg": "container \"db\" may run as root: neither it nor its pod sets runAsNonRoot: true"}}
}

test_container_false_overrides_pod_true if {
	got := check.deny with input as {"k8s": {"object": [sts({
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "db", "image": "db:1"}, {"name": "sidecar", "image": "s:1", "securityContext": {"runAsNonRoot": false}}],
	})]}}
	got == {{"resource": "StatefulSet/data/db", "msg": "container \"sidecar\" sets runAsNonRoot: false"}}
}

test_pod_false_and_sample_pod_fail if {
	nginx := {
		"_id": "Pod//nginx", "kind": "Pod", "name": "nginx", "namespace": "",
		"object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}, "spec": {"containers": [{"image": "nginx", "name": "nginx", "ports": [{"containerPort": 80}]}]}},
	}
	got := check.deny with input as {"k8s": {"object": [nginx, sts({"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "db", "image": "db:1"}]})]}}
	{f.resource | some f in got} == {"Pod//nginx", "StatefulSet/data/db"}
}

test_missing_security_context_values_fail_not_error if {
	got := check.deny with input as {"k8s": {"object": [sts({"securityContext": null, "containers": [{"name": "db", "image": "db:1", "securityContext": {"runAsNonRoot": null}}]})]}}
	count(got) == 1
}
