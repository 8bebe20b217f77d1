# METADATA
# title: No failed Prowler findings at or above a severity
# description: >-
#   Every Prowler finding with status fail and a severity at or above
#   min_severity (high by default) is a finding here, with Prowler's check
#   and message. Findings that passed at that severity are listed as
#   passing; manual and lower-severity results are not judged.
# custom:
#   severity: high
#   controls: [END-03]
#   reads: [prowler.finding]
#   pass: Prowler's check passed for the resource
#   params:
#     min_severity: high
package attest.checks.prowler_high_findings

rank := {"critical": 5, "high": 4, "medium": 3, "low": 2, "informational": 1, "info": 1}

# A min_severity that is not one of Prowler's severities reads as high.
min_rank := n if {
	n := rank[lower(data.attest.params.prowler_high_findings.min_severity)]
} else := rank.high

judged(f) if rank[lower(f.severity)] >= min_rank

applies contains f._id if {
	some f in input.prowler.finding
	lower(f.status) in {"pass", "fail"}
	judged(f)
}

deny contains {"resource": f._id, "msg": msg} if {
	some f in input.prowler.finding
	lower(f.status) == "fail"
	judged(f)
	msg := sprintf("%s Prowler check %s failed for %s%s", [lower(f.severity), text(f, "check_id", "(unnamed)"), resource(f), detail(f)])
}

text(f, key, fallback) := s if {
	s := f[key]
	is_string(s)
	s != ""
} else := fallback

resource(f) := text(f, "resource_uid", text(f, "resource_name", "(resource not named)"))

detail(f) := sprintf(": %s", [f.message]) if {
	is_string(f.message)
	f.message != ""
} else := sprintf(": %s", [f.title]) if {
	is_string(f.title)
	f.title != ""
} else := ""
