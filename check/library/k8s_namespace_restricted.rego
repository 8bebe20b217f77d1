# METADATA
# title: Kubernetes namespaces enforce the restricted pod security level
# description: >-
#   Every Namespace object, apart from the exempt system namespaces, carries
#   the label pod-security.kubernetes.io/enforce set to restricted, so the
#   cluster's Pod Security admission refuses pods that ask for more than the
#   restricted profile allows. Warn or audit labels alone do not count.
# custom:
#   severity: high
#   controls: [OPS-02]
#   reads: [k8s.object]
#   pass: enforces the restricted pod security level
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_namespace_restricted

enforce_label := "pod-security.kubernetes.io/enforce"

exempt := {ns | some ns in data.attest.params.k8s_namespace_restricted.exempt_namespaces}

applies contains r._id if {
	some r in input.k8s.object
	in_scope(r)
}

deny contains {"resource": r._id, "msg": msg} if {
	some r in input.k8s.object
	in_scope(r)
	level := object.get(labels(r), enforce_label, null)
	level != "restricted"
	msg := problem(name(r), level)
}

in_scope(r) if {
	r.kind == "Namespace"
	not exempt[name(r)]
}

problem(ns, null) := sprintf("namespace %s has no %s label, so pods in it are admitted at the cluster's default level", [ns, enforce_label])

problem(ns, level) := sprintf("namespace %s enforces pod security level %q instead of \"restricted\"", [ns, level]) if level != null

name(r) := n if {
	n := r.name
	is_string(n)
	n != ""
} else := object.get(r, ["object", "metadata", "name"], "")

labels(r) := l if {
	l := r.labels
	is_object(l)
} else := l if {
	l := r.object.metadata.labels
	is_object(l)
} else := {}
