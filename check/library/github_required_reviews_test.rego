package attest.checks.github_required_reviews_test

import data.attest.checks.github_required_reviews

prot(id, protected, n) := {"_id": id, "repository": "acme/api", "branch": "main", "protected": protected, "required_approving_review_count": n}

run(ps) := d if {
	d := github_required_reviews.deny with input as {"github": {"branch_protection": ps}}
}

test_no_required_review_fails if {
	got := run([prot("acme/api@main", true, 0)])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "merging needs no approving review; the policy requires at least 1"
}

test_unknown_count_fails if {
	got := run([prot("acme/api@main", true, null)])
	count(got) == 1
	count(run([{"_id": "acme/api@main", "protected": true}])) == 1
}

test_enough_reviews_pass if {
	ps := [prot("acme/api@main", true, 1), prot("acme/web@main", true, 3), prot("acme/old@main", false, 0)]
	count(run(ps)) == 0
	github_required_reviews.applies == {"acme/api@main", "acme/web@main"} with input as {"github": {"branch_protection": ps}}
}

test_min_approvals_parameter if {
	got := github_required_reviews.deny with input as {"github": {"branch_protection": [prot("a@main", true, 1), prot("b@main", true, 2)]}}
		with data.attest.params.github_required_reviews.min_approvals as 2
	count(got) == 1
	some f in got
	f.resource == "a@main"
	f.msg == "merging needs 1 approving review(s); the policy requires at least 2"
}
