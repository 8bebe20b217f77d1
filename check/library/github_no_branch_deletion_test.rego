package attest.checks.github_no_branch_deletion_test

import data.attest.checks.github_no_branch_deletion

prot(id, protected, v) := {"_id": id, "repository": "acme/api", "branch": "main", "protected": protected, "allow_deletions": v}

run(ps) := d if {
	d := github_no_branch_deletion.deny with input as {"github": {"branch_protection": ps}}
}

test_bad_setting_fails if {
	got := run([prot("acme/api@main", true, true)])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "the branch can be deleted"
}

test_unrecorded_setting_fails if {
	got := run([prot("acme/api@main", true, null)])
	count(got) == 1
	some f in got
	contains(f.msg, "is not recorded")
	count(run([{"_id": "acme/api@main", "protected": true}])) == 1
}

test_good_setting_passes if {
	ps := [prot("acme/api@main", true, false), prot("acme/web@main", false, true)]
	count(run(ps)) == 0
	github_no_branch_deletion.applies == {"acme/api@main"} with input as {"github": {"branch_protection": ps}}
}
