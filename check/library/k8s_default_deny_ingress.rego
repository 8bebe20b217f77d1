# METADATA
# title: Kubernetes namespaces have a default-deny ingress network policy
# description: >-
#   Every namespace that has a Namespace object or workloads (apart from the
#   exempt system namespaces) has a NetworkPolicy that selects all its pods
#   and allows no ingress, so traffic reaches a pod only where another policy
#   allows it. A manifest without a namespace is read as the default namespace.
# custom:
#   severity: medium
#   controls: [OPS-03, NET-01]
#   reads: [k8s.object]
#   pass: has a default-deny ingress network policy
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_default_deny_ingress

# A namespace is named by the ID its Namespace object has (or would have).
applies contains ns_id(ns) if some ns in scoped

deny contains {"resource": ns_id(ns), "msg": msg} if {
	some ns in scoped
	not protected[ns]
	workloads := [id | some m in members; m[0] == ns; id := m[1]; id != ""]
	n := count(workloads)
	msg := sprintf("namespace %s%s has no network policy that selects every pod and allows no ingress", [ns, workload_note(n)])
}

ns_id(ns) := sprintf("Namespace//%s", [ns])

exempt := {ns | some ns in data.attest.params.k8s_default_deny_ingress.exempt_namespaces}

# members lists [namespace, workload ID] for every workload, and
# [namespace, ""] for every Namespace object.
members := [m |
	some r in input.k8s.object
	m := member(r)
	not exempt[m[0]]
]

scoped := {m[0] | some m in members}

member(r) := [name, ""] if {
	r.kind == "Namespace"
	name := ns_name(r)
	name != ""
}

member(r) := [ns_of(r), r._id] if is_object(object.get(r.object, spec_paths[r.kind], null))

ns_name(r) := n if {
	n := r.name
	is_string(n)
	n != ""
} else := object.get(r, ["object", "metadata", "name"], "")

workload_note(0) := ""

workload_note(1) := " (1 workload)"

workload_note(n) := sprintf(" (%d workloads)", [n]) if n > 1

# Namespaces with at least one default-deny ingress policy.
protected := {ns_of(p) |
	some p in input.k8s.object
	p.kind == "NetworkPolicy"
	denies_all_ingress(object.get(p.object, "spec", {}))
}

denies_all_ingress(spec) if {
	all_pods(object.get(spec, "podSelector", null))
	ingress_type(spec)
	not has_ingress_rules(spec)
}

all_pods(sel) if sel == null

all_pods(sel) if {
	is_object(sel)
	not has_selector_terms(sel)
}

has_selector_terms(sel) if count(sel.matchLabels) > 0

has_selector_terms(sel) if count(sel.matchExpressions) > 0

# Without policyTypes a policy always governs ingress.
ingress_type(spec) if "Ingress" in spec.policyTypes

ingress_type(spec) if not has_policy_types(spec)

has_policy_types(spec) if count(spec.policyTypes) > 0

has_ingress_rules(spec) if count(spec.ingress) > 0

ns_of(r) := ns if {
	ns := r.namespace
	is_string(ns)
	ns != ""
} else := "default"

# Workloads: the kinds that run pods, and where each keeps its pod spec.
spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}
