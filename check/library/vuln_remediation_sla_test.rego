package attest.checks.vuln_remediation_sla_test

import data.attest.checks.vuln_remediation_sla as check

now := "2026-03-31T12:00:00Z"

vuln(id, sev, fixed, published) := {
	"_id": sprintf("%s/openssl/alpine:3.10 (alpine 3.10.2)", [id]), "id": id, "package": "openssl",
	"installed": "1.1.1c-r0", "fixed": fixed, "severity": sev, "published": published,
	"target": "alpine:3.10 (alpine 3.10.2)", "artifact": "alpine:3.10", "scanner": "trivy",
}

test_overdue_high_fails_with_age if {
	got := check.deny with input as {"vulnerability": [vuln("CVE-2026-0001", "high", "1.1.1d-r0", "2026-02-01T00:00:00Z")]}
		with data.attest.now as now
	got == {{
		"resource": "CVE-2026-0001/openssl/alpine:3.10 (alpine 3.10.2)",
		"msg": "high CVE-2026-0001 in openssl 1.1.1c-r0 (alpine:3.10 (alpine 3.10.2)) is fixed in 1.1.1d-r0, published 2026-02-01: 58 days ago, past the 30-day deadline for high",
	}}
}

test_within_deadline_passes if {
	inp := {"vulnerability": [
		vuln("CVE-A", "critical", "2", "2026-03-20T00:00:00Z"),
		vuln("CVE-B", "high", "2", "2026-03-01T12:00:00Z"),
		vuln("CVE-C", "medium", "2", "2026-01-01T00:00:00Z"),
	]}
	count(check.deny) == 0 with input as inp with data.attest.now as now
	count(check.applies) == 3 with input as inp with data.attest.now as now
}

test_deadline_day_itself_is_not_late if {
	# Exactly 15 days after publication: on the deadline, not past it.
	inp := {"vulnerability": [vuln("CVE-A", "critical", "2", "2026-03-16T12:00:00Z")]}
	count(check.deny) == 0 with input as inp with data.attest.now as now
	count(check.deny) == 1 with input as inp with data.attest.now as "2026-04-01T12:00:00Z"
}

test_no_fix_is_not_judged if {
	inp := {"vulnerability": [vuln("CVE-A", "critical", "", "2020-01-01T00:00:00Z"), vuln("CVE-B", "high", null, "2020-01-01T00:00:00Z")]}
	count(check.deny) == 0 with input as inp with data.attest.now as now
	count(check.applies) == 0 with input as inp with data.attest.now as now
}

test_critical_without_date_fails_and_says_why if {
	v := object.union(vuln("CVE-X", "critical", "3.0", null), {"scanner": "grype"})
	got := check.deny with input as {"vulnerability": [v]} with data.attest.now as now
	count(got) == 1
	some f in got
	contains(f.msg, "the grype scan gives no publication date: its age is unknown")
	contains(f.msg, "15-day deadline")
}

test_high_without_date_not_judged if {
	inp := {"vulnerability": [vuln("CVE-X", "high", "3.0", null)]}
	count(check.deny) == 0 with input as inp with data.attest.now as now
	count(check.applies) == 0 with input as inp with data.attest.now as now
}

test_severity_without_deadline_not_judged if {
	inp := {"vulnerability": [vuln("CVE-N", "negligible", "2", "2010-01-01T00:00:00Z"), vuln("CVE-U", "unknown", "2", "2010-01-01T00:00:00Z")]}
	count(check.deny) == 0 with input as inp with data.attest.now as now
	count(check.applies) == 0 with input as inp with data.attest.now as now
}

test_low_has_default_deadline if {
	inp := {"vulnerability": [vuln("CVE-L", "low", "2", "2025-06-01T00:00:00Z")]}
	count(check.deny) == 1 with input as inp with data.attest.now as now
}

test_deadlines_are_parameters if {
	inp := {"vulnerability": [vuln("CVE-B", "high", "2", "2026-03-01T12:00:00Z"), vuln("CVE-L", "low", "2", "2025-06-01T00:00:00Z")]}
	got := check.deny with input as inp with data.attest.now as now
		with data.attest.params.vuln_remediation_sla.sla_days as {"critical": 7, "high": 14}
	{f.resource | some f in got} == {"CVE-B/openssl/alpine:3.10 (alpine 3.10.2)"}
}

test_date_only_published_is_read if {
	got := check.deny with input as {"vulnerability": [vuln("CVE-D", "medium", "2", "2025-10-01")]} with data.attest.now as now
	count(got) == 1
}

test_missing_fields_still_reported if {
	v := {"_id": "CVE-Z//", "id": "CVE-Z", "fixed": "9", "severity": "critical", "published": "2026-01-01T00:00:00Z"}
	got := check.deny with input as {"vulnerability": [v]} with data.attest.now as now
	got == {{"resource": "CVE-Z//", "msg": "critical CVE-Z in (unnamed package) (version unknown) (target unknown) is fixed in 9, published 2026-01-01: 89 days ago, past the 15-day deadline for critical"}}
}

test_artifact_named_when_target_does_not_say_it if {
	v := object.union(vuln("CVE-2019-11358", "medium", "3.4.0", "2019-04-20T00:00:00Z"), {"package": "jquery", "installed": "3.3.9", "target": "package-lock.json", "artifact": "repo/npm"})
	got := check.deny with input as {"vulnerability": [v]} with data.attest.now as now
	some f in got
	startswith(f.msg, "medium CVE-2019-11358 in jquery 3.3.9 (package-lock.json in repo/npm) is fixed in 3.4.0, published 2019-04-20:")
}
