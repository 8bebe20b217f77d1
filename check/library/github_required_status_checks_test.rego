package attest.checks.github_required_status_checks_test

import data.attest.checks.github_required_status_checks

prot(id, protected, checks) := {"_id": id, "protected": protected, "required_status_checks": checks}

run(ps) := d if {
	d := github_required_status_checks.deny with input as {"github": {"branch_protection": ps}}
}

test_no_required_check_fails if {
	got := run([prot("acme/api@main", true, [])])
	count(got) == 1
	some f in got
	f.resource == "acme/api@main"
	f.msg == "no status check is required before merging"
}

test_null_or_missing_checks_fail if {
	count(run([prot("acme/api@main", true, null)])) == 1
	count(run([{"_id": "acme/api@main", "protected": true}])) == 1
}

test_some_required_check_passes if {
	ps := [prot("acme/api@main", true, ["build"]), prot("acme/old@main", false, [])]
	count(run(ps)) == 0
	github_required_status_checks.applies == {"acme/api@main"} with input as {"github": {"branch_protection": ps}}
}

test_named_checks_must_each_be_required if {
	ps := [prot("a@main", true, ["build", "test"]), prot("b@main", true, ["build"]), prot("c@main", true, [])]
	got := github_required_status_checks.deny with input as {"github": {"branch_protection": ps}}
		with data.attest.params.github_required_status_checks.required_checks as ["build", "test"]
	{[f.resource, f.msg] | some f in got} == {
		["b@main", "status check \"test\" is not required (required: build)"],
		["c@main", "no status check is required before merging; the policy expects build, test"],
	}
}
