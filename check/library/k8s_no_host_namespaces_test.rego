package attest.checks.k8s_no_host_namespaces_test

import data.attest.checks.k8s_no_host_namespaces as check

ds(spec) := {
	"_id": "DaemonSet/monitoring/agent", "kind": "DaemonSet", "name": "agent", "namespace": "monitoring",
	"object": {"kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "monitoring"}, "spec": {"template": {"spec": spec}}},
}

test_host_network_and_pid_fail if {
	got := check.deny with input as {"k8s": {"object": [ds({"hostNetwork": true, "hostPID": true, "hostIPC": false, "containers": [{"name": "a", "image": "a:1"}]})]}}
	got == {{"resource": "DaemonSet/monitoring/agent", "msg": "pod spec shares the node's namespaces (hostNetwork: true, hostPID: true)"}}
}

test_pod_with_host_ipc_fails if {
	p := {"_id": "Pod/shop/debug", "kind": "Pod", "name": "debug", "namespace": "shop", "object": {"kind": "Pod", "metadata": {"name": "debug"}, "spec": {"hostIPC": true, "containers": []}}}
	got := check.deny with input as {"k8s": {"object": [p]}}
	count(got) == 1
}

test_unset_or_false_passes if {
	inp := {"k8s": {"object": [ds({"hostNetwork": false, "containers": [{"name": "a", "image": "a:1"}]})]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"DaemonSet/monitoring/agent"} with input as inp
}

test_exempt_namespace_skipped if {
	d := object.union(ds({"hostNetwork": true}), {"_id": "DaemonSet/kube-system/proxy", "namespace": "kube-system"})
	count(check.deny) == 0 with input as {"k8s": {"object": [d]}}
}
