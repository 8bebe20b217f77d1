package attest.checks.k8s_image_pinned_test

import data.attest.checks.k8s_image_pinned as check

deploy(images) := {
	"_id": "Deployment/shop/web", "kind": "Deployment", "name": "web", "namespace": "shop",
	"object": {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]}}}},
}

test_tags_and_digests_pass if {
	inp := {"k8s": {"object": [deploy([
		"registry.k8s.io/redis:e2e",
		"gcr.io/google-samples/gb-frontend:v5",
		"registry.example.com:5000/team/app:1.4.2",
		"nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
		"nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
	])]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"Deployment/shop/web"} with input as inp
}

test_no_tag_fails if {
	got := check.deny with input as {"k8s": {"object": [deploy(["nginx"])]}}
	got == {{"resource": "Deployment/shop/web", "msg": "container \"c0\" uses image \"nginx\" with no tag or digest, which means latest"}}
}

test_registry_port_is_not_a_tag if {
	got := check.deny with input as {"k8s": {"object": [deploy(["registry.example.com:5000/team/app"])]}}
	count(got) == 1
}

test_latest_fails if {
	got := check.deny with input as {"k8s": {"object": [deploy(["app:1", "ghcr.io/acme/app:latest"])]}}
	got == {{"resource": "Deployment/shop/web", "msg": "container \"c1\" uses image \"ghcr.io/acme/app:latest\", whose latest tag can change"}}
}

test_missing_image_fails if {
	d := deploy([])
	d2 := json.patch(d, [{"op": "add", "path": "/object/spec/template/spec/containers", "value": [{"name": "x"}]}])
	got := check.deny with input as {"k8s": {"object": [d2]}}
	got == {{"resource": "Deployment/shop/web", "msg": "container \"x\" names no image"}}
}
