package attest.checks.github_enforce_admins_test

import data.attest.checks.github_enforce_admins

prot(id, protected, v) := {"_id": id, "repository": "acme/api", "branch": "main", "protected": protected, "enforce_admins": v}

run(ps) := d if {
	d := github_enforce_admins.deny with input as {"github": {"branch_protection": ps}}
}

test_bad_setting_fails if {
	got := run([prot("acme/api@main", true, false)])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "administrators can bypass the branch's protection rules"
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
	github_enforce_admins.applies == {"acme/api@main"} with input as {"github": {"branch_protection": ps}}
}
