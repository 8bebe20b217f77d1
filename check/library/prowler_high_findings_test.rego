package attest.checks.prowler_high_findings_test

import data.attest.checks.prowler_high_findings as check

finding(id, status, severity) := {
	"_id": id, "check_id": "apiserver_anonymous_requests", "title": "Ensure that the --anonymous-auth argument is set to false",
	"status": status, "severity": severity, "provider": "kubernetes", "service": "apiserver",
	"resource_uid": "kube-apiserver-node1", "resource_name": "kube-apiserver-node1", "region": "", "account": "",
	"message": "API Server does not have anonymous-auth disabled.", "compliance": {}, "time": "2025-02-14T14:27:03Z",
}

test_failed_high_finding_fails if {
	got := check.deny with input as {"prowler": {"finding": [finding("f1", "fail", "high")]}}
	got == {{"resource": "f1", "msg": "high Prowler check apiserver_anonymous_requests failed for kube-apiserver-node1: API Server does not have anonymous-auth disabled."}}
}

test_passed_high_passes_and_lower_or_manual_not_judged if {
	inp := {"prowler": {"finding": [
		finding("f1", "pass", "critical"),
		finding("f2", "fail", "medium"),
		finding("f3", "manual", "high"),
		finding("f4", "fail", "low"),
	]}}
	count(check.deny) == 0 with input as inp
	check.applies == {"f1"} with input as inp
}

test_min_severity_is_a_parameter if {
	inp := {"prowler": {"finding": [finding("f1", "fail", "critical"), finding("f2", "fail", "high"), finding("f3", "fail", "medium")]}}
	{f.resource | some f in check.deny} == {"f1"} with input as inp with data.attest.params.prowler_high_findings.min_severity as "critical"
	{f.resource | some f in check.deny} == {"f1", "f2", "f3"} with input as inp with data.attest.params.prowler_high_findings.min_severity as "medium"
}

test_case_and_missing_fields if {
	f := {"_id": "f9", "status": "FAIL", "severity": "High"}
	got := check.deny with input as {"prowler": {"finding": [f, {"_id": "f10", "status": "fail"}]}}
	got == {{"resource": "f9", "msg": "high Prowler check (unnamed) failed for (resource not named)"}}
}

test_unknown_min_severity_reads_as_high if {
	inp := {"prowler": {"finding": [finding("f1", "fail", "high"), finding("f2", "fail", "medium")]}}
	{f.resource | some f in check.deny} == {"f1"} with input as inp with data.attest.params.prowler_high_findings.min_severity as "severe"
}
