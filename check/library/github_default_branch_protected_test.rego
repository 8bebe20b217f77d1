package attest.checks.github_default_branch_protected_test

import data.attest.checks.github_default_branch_protected

repo(name, branch, archived) := {"_id": name, "name": name, "default_branch": branch, "archived": archived, "private": true}

prot(repo, branch, protected) := {"_id": concat("@", [repo, branch]), "repository": repo, "branch": branch, "protected": protected}

run(repos, prots) := d if {
	d := github_default_branch_protected.deny with input as {"github": {"repository": repos, "branch_protection": prots}}
}

test_unprotected_default_branch_fails if {
	got := run([repo("acme/api", "main", false)], [prot("acme/api", "main", false)])
	count(got) == 1
	some f in got
	f.resource == "acme/api"
	f.msg == "the default branch main is not protected"
}

test_missing_protection_record_fails if {
	got := run([repo("acme/api", "main", false)], [prot("acme/api", "develop", true)])
	count(got) == 1
	some f in got
	contains(f.msg, "no branch protection record was collected for the default branch main")
}

test_missing_default_branch_fails if {
	got := run([{"_id": "acme/empty", "archived": false}], [])
	count(got) == 1
	some f in got
	f.msg == "no default branch is recorded for the repository"
}

test_conflicting_records_count_as_unprotected if {
	count(run([repo("acme/api", "main", false)], [prot("acme/api", "main", true), prot("Acme/API", "main", null)])) == 1
}

test_protected_and_archived_repositories_pass if {
	repos := [repo("acme/api", "main", false), repo("acme/Web", "trunk", null), repo("acme/old", "master", true)]
	prots := [prot("acme/api", "main", true), prot("acme/web", "trunk", true), prot("acme/old", "master", false), prot("acme/api", "dev", false)]
	count(run(repos, prots)) == 0
	github_default_branch_protected.applies == {"acme/api", "acme/Web"} with input as {"github": {"repository": repos, "branch_protection": prots}}
}

test_without_repository_records_each_record_is_judged if {
	prots := [prot("acme/api", "main", true), prot("acme/web", "main", false)]
	got := github_default_branch_protected.deny with input as {"github": {"branch_protection": prots}}
	count(got) == 1
	some f in got
	f.resource == "acme/web@main"
	f.msg == "branch main is not protected"
	github_default_branch_protected.applies == {"acme/api@main", "acme/web@main"} with input as {"github": {"branch_protection": prots}}
}
