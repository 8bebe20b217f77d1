package attest.checks.vuln_image_no_critical_test

import data.attest.checks.vuln_image_no_critical as check

vuln(id, sev, fixed, artifact) := {
	"_id": sprintf("%s/pkg/%s", [id, artifact]), "id": id, "package": "pkg", "installed": "1", "fixed": fixed,
	"severity": sev, "published": null, "target": artifact, "artifact": artifact, "scanner": "grype",
}

test_image_with_fixable_critical_fails if {
	inp := {"vulnerability": [
		vuln("CVE-1", "critical", "2", "shop/web:1.4"),
		vuln("CVE-2", "critical", "", "shop/web:1.4"),
		vuln("CVE-3", "high", "2", "shop/web:1.4"),
		vuln("CVE-4", "high", "2", "shop/api:2.0"),
	]}
	got := check.deny with input as inp
	got == {{"resource": "shop/web:1.4", "msg": "1 critical vulnerability with a fix available: CVE-1"}}
	check.applies == {"shop/web:1.4", "shop/api:2.0"} with input as inp
}

test_critical_without_fix_passes if {
	count(check.deny) == 0 with input as {"vulnerability": [vuln("CVE-2", "critical", "", "img:1"), vuln("CVE-3", "critical", null, "img:1")]}
}

test_long_lists_are_cut if {
	inp := {"vulnerability": [vuln(sprintf("CVE-%d", [i]), "critical", "9", "img:1") | some i in numbers.range(1, 7)]}
	got := check.deny with input as inp
	got == {{"resource": "img:1", "msg": "7 critical vulnerabilities with a fix available: CVE-1, CVE-2, CVE-3, CVE-4, CVE-5 and 2 more"}}
}

test_same_id_in_two_packages_counted_once if {
	a := vuln("CVE-1", "critical", "2", "img:1")
	b := object.union(a, {"_id": "CVE-1/other/img:1", "package": "other"})
	got := check.deny with input as {"vulnerability": [a, b]}
	got == {{"resource": "img:1", "msg": "1 critical vulnerability with a fix available: CVE-1"}}
}

test_artifact_falls_back_to_target if {
	v := object.union(vuln("CVE-1", "critical", "2", "x"), {"artifact": "", "target": "/src/app"})
	got := check.deny with input as {"vulnerability": [v]}
	{f.resource | some f in got} == {"/src/app"}
}
