package attest.checks.github_signed_commits_test

import data.attest.checks.github_signed_commits

prot(id, protected, v) := {"_id": id, "repository": "acme/api", "branch": "main", "protected": protected, "required_signatures": v}

run(ps) := d if {
	d := github_signed_commits.deny with input as {"github": {"branch_protection": ps}}
}

test_bad_setting_fails if {
	got := run([prot("acme/api@main", true, false)])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "commits are not required to carry a verified signature"
}

test_unrecorded_setting_fails if {
	got := run([prot("acme/api@main", true, null)])
	count(got) == 1
	some f in got
	contains(f.msg, "is not recorded")
	count(run([{"_id": "acme/api@main", "protected": true}])) == 1
}

test_good_setting_passes if {
	ps := [prot("acme/api@main", true, true), prot("acme/web@main", false, false)]
	count(run(ps)) == 0
	github_signed_commits.applies == {"acme/api@main"} with input as {"github": {"branch_protection": ps}}
}
