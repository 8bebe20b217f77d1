# METADATA
# title: Kubernetes containers run as non-root
# description: >-
#   Every container in a pod or workload template must run with
#   runAsNonRoot set to true, either in its own securityContext or inherited
#   from the pod's. A container's own setting overrides the pod's, so a
#   container that sets false fails even when the pod sets true.
# custom:
#   severity: medium
#   controls: [END-03]
#   reads: [k8s.object]
#   pass: every container runs with runAsNonRoot true
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_run_as_non_root

deny contains {"resource": r._id, "msg": msg} if {
	some [r, spec] in workloads
	some key, word in container_words
	some c in spec[key]
	not non_root(spec, c)
	msg := problem(word, object.get(c, "name", "(unnamed)"), c)
}

applies contains r._id if some [r, _] in workloads

# A container's own setting, when it has one, overrides the pod's.
non_root(_, c) if c.securityContext.runAsNonRoot == true

non_root(spec, c) if {
	not has_own_setting(c)
	spec.securityContext.runAsNonRoot == true
}

has_own_setting(c) if is_boolean(c.securityContext.runAsNonRoot)

sets_false(c) if c.securityContext.runAsNonRoot == false

problem(word, name, c) := sprintf("%s %q sets runAsNonRoot: false", [word, name]) if sets_false(c)

problem(word, name, c) := sprintf("%s %q may run as root: neither it nor its pod sets runAsNonRoot: true", [word, name]) if not sets_false(c)

# --- workloads (the same helpers in every Kubernetes workload check) ---

# Where each kind keeps its pod spec.
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

container_words := {"initContainers": "init container", "containers": "container", "ephemeralContainers": "ephemeral container"}

# Every workload judged, as [record, pod spec], built once. A Pod or
# ReplicaSet whose owner (a Deployment, a Job, ...) is among the records is
# covered by its owner's result.
workloads := [[r, spec] |
	some r in input.k8s.object
	spec := object.get(r.object, spec_paths[r.kind], null)
	is_object(spec)
	not exempt[object.get(r, "namespace", "")]
	not owner_present(r)
]

# Exempt namespaces; a manifest without a namespace is read as "default".
exempt_names := {ns | some ns in data.attest.params.k8s_run_as_non_root.exempt_namespaces}

exempt := exempt_names | {"", null} if "default" in exempt_names

exempt := exempt_names if not "default" in exempt_names

ids := {r._id | some r in input.k8s.object}

owner_present(r) if {
	some ref in r.object.metadata.ownerReferences
	ids[sprintf("%s/%s/%s", [ref.kind, raw_ns(r), ref.name])]
}

raw_ns(r) := ns if {
	ns := r.namespace
	is_string(ns)
} else := ""
