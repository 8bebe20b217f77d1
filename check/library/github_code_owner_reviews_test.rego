package attest.checks.github_code_owner_reviews_test

import data.attest.checks.github_code_owner_reviews

prot(id, protected, v) := {"_id": id, "repository": "acme/api", "branch": "main", "protected": protected, "required_approving_review_count": 1, "require_code_owner_reviews": v}

run(ps) := d if {
	d := github_code_owner_reviews.deny with input as {"github": {"branch_protection": ps}}
}

test_bad_setting_fails if {
	got := run([prot("acme/api@main", true, false)])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "code owners' approval is not required for changes to the files they own"
}

test_unrecorded_setting_fails if {
	got := run([prot("acme/api@main", true, null)])
	count(got) == 1
	some f in got
	contains(f.msg, "is not recorded")
	count(run([{"_id": "acme/api@main", "protected": true, "required_approving_review_count": 1}])) == 1
}

test_good_setting_passes if {
	ps := [prot("acme/api@main", true, true), prot("acme/web@main", false, false)]
	count(run(ps)) == 0
	github_code_owner_reviews.applies == {"acme/api@main"} with input as {"github": {"branch_protection": ps}}
}

test_branches_without_required_reviews_are_left_to_github_required_reviews if {
	ps := [{"_id": "acme/api@main", "protected": true, "required_approving_review_count": 0, "require_code_owner_reviews": false}]
	count(run(ps)) == 0
	count(github_code_owner_reviews.applies) == 0 with input as {"github": {"branch_protection": ps}}
}
