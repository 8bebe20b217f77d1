# METADATA
# title: Kubernetes containers set CPU and memory limits
# description: >-
#   Every container and init container sets both a CPU and a memory limit.
#   Without limits one workload can take a node's whole capacity and starve
#   its neighbours, and capacity cannot be planned from declared sizes.
# custom:
#   severity: low
#   controls: [AVL-01]
#   reads: [k8s.object]
#   pass: every container sets CPU and memory limits
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_resource_limits

deny contains {"resource": r._id, "msg": msg} if {
	some [r, spec] in workloads
	some key in ["initContainers", "containers"]
	some c in spec[key]
	not has_limits(c)
	missing := [res | some res in ["cpu", "memory"]; not has_limit(c, res)]
	count(missing) > 0
	msg := sprintf("%s %q sets no %s limit", [container_words[key], object.get(c, "name", "(unnamed)"), concat(" or ", missing)])
}

applies contains r._id if some [r, _] in workloads

has_limits(c) if {
	limits := c.resources.limits
	limits.cpu != null
	limits.memory != null
}

has_limit(c, res) if {
	v := c.resources.limits[res]
	v != null
	v != ""
}

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
exempt_names := {ns | some ns in data.attest.params.k8s_resource_limits.exempt_namespaces}

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
