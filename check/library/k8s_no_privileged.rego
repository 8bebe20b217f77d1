# METADATA
# title: No privileged or privilege-escalating Kubernetes containers
# description: >-
#   No container, init container or ephemeral container in a pod or in a
#   workload's pod template runs in privileged mode or explicitly allows
#   privilege escalation. A privileged container has the node's full device
#   and kernel access, which defeats the isolation the cluster relies on.
# custom:
#   severity: high
#   controls: [OPS-02, END-03]
#   reads: [k8s.object]
#   pass: no container is privileged or allows privilege escalation
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_no_privileged

deny contains {"resource": r._id, "msg": msg} if {
	some [r, spec] in workloads
	some key, word in container_words
	some c in spec[key]
	some setting in ["privileged", "allowPrivilegeEscalation"]
	c.securityContext[setting] == true
	msg := sprintf("%s %q sets %s: true", [word, object.get(c, "name", "(unnamed)"), setting])
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
exempt_names := {ns | some ns in data.attest.params.k8s_no_privileged.exempt_namespaces}

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
