# METADATA
# title: Kubernetes pods do not share the node's namespaces
# description: >-
#   No pod or workload template sets hostNetwork, hostPID or hostIPC to true.
#   Sharing the node's network, process or inter-process namespaces lets a
#   container see and reach what runs on the node, outside the network
#   policies and isolation that apply to ordinary pods.
# custom:
#   severity: high
#   controls: [NET-01, END-03]
#   reads: [k8s.object]
#   pass: uses its own network, process and IPC namespaces
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_no_host_namespaces

deny contains {"resource": r._id, "msg": msg} if {
	some [r, spec] in workloads
	shared := [sprintf("%s: true", [f]) | some f in ["hostNetwork", "hostPID", "hostIPC"]; spec[f] == true]
	count(shared) > 0
	msg := sprintf("pod spec shares the node's namespaces (%s)", [concat(", ", shared)])
}

applies contains r._id if some [r, _] in workloads

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
exempt_names := {ns | some ns in data.attest.params.k8s_no_host_namespaces.exempt_namespaces}

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
