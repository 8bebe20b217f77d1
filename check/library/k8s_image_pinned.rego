# METADATA
# title: Kubernetes container images are pinned
# description: >-
#   Every container image names an explicit tag other than latest, or a
#   digest. An image with no tag or with latest can change under the same
#   name, so what runs is not necessarily what the pipeline built and tested.
# custom:
#   severity: medium
#   controls: [CHG-08]
#   reads: [k8s.object]
#   pass: every image names a fixed tag or a digest
#   params:
#     exempt_namespaces: [kube-system, kube-public, kube-node-lease]
package attest.checks.k8s_image_pinned

deny contains {"resource": r._id, "msg": msg} if {
	some [r, spec] in workloads
	some key, word in container_words
	some c in spec[key]
	img := object.get(c, "image", null)
	not pinned(img)
	msg := sprintf("%s %q %s", [word, object.get(c, "name", "(unnamed)"), problem(img)])
}

applies contains r._id if some [r, _] in workloads

# A digest ('@sha256:...') pins the image whatever its tag. Otherwise the tag
# is what follows a ':' in the image's last path segment (a ':' before a '/'
# is a registry port), and must not be latest.
pinned(img) if contains(img, "@")

pinned(img) if {
	regex.match(`:[^/]+$`, img)
	not endswith(img, ":latest")
}

problem(img) := "names no image" if not is_string(img)

problem(img) := "names no image" if img == ""

problem(img) := sprintf("uses image %q, whose latest tag can change", [img]) if endswith(img, ":latest")

problem(img) := sprintf("uses image %q with no tag or digest, which means latest", [img]) if {
	is_string(img)
	img != ""
	not regex.match(`:[^/]+$`, img)
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
exempt_names := {ns | some ns in data.attest.params.k8s_image_pinned.exempt_namespaces}

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
