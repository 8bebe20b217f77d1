package attest.checks.k8s_resource_limits_test

import data.attest.checks.k8s_resource_limits as check

job(containers) := {
	"_id": "Job/batch/nightly", "kind": "Job", "name": "nightly", "namespace": "batch",
	"object": {"kind": "Job", "metadata": {"name": "nightly"}, "spec": {"template": {"spec": {"containers": containers}}}},
}

test_limits_set_pass if {
	inp := {"k8s": {"object": [job([{"name": "run", "image": "r:1", "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}}])]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"Job/batch/nightly"} with input as inp
}

test_requests_only_fail if {
	# As in the guestbook sample: requests but no limits.
	got := check.deny with input as {"k8s": {"object": [job([{"name": "run", "image": "r:1", "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}}}])]}}
	got == {{"resource": "Job/batch/nightly", "msg": "container \"run\" sets no cpu or memory limit"}}
}

test_one_limit_missing_fails if {
	got := check.deny with input as {"k8s": {"object": [job([{"name": "run", "image": "r:1", "resources": {"limits": {"cpu": "1"}}}])]}}
	got == {{"resource": "Job/batch/nightly", "msg": "container \"run\" sets no memory limit"}}
}

test_no_resources_block_fails if {
	got := check.deny with input as {"k8s": {"object": [job([{"name": "run", "image": "r:1", "resources": null}])]}}
	count(got) == 1
}
