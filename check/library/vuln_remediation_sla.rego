# METADATA
# title: Fixable vulnerabilities remediated within their severity deadline
# description: >-
#   A vulnerability that a scanner still finds, and that has a fixed version
#   available, must not be older than the deadline for its severity (days,
#   per the sla_days parameter). Age is counted from the vulnerability's
#   publication date, the earliest day it could have been discovered, so it
#   can overstate the time since the organization learned of it. A critical
#   one with no publication date is reported, since its age cannot be shown
#   to be within the deadline; other severities without a date are not judged.
# custom:
#   severity: high
#   controls: [OPS-05]
#   reads: [vulnerability]
#   pass: published within its severity's remediation deadline
#   params:
#     sla_days: {critical: 15, high: 30, medium: 90, low: 180}
package attest.checks.vuln_remediation_sla

day_ns := ((24 * 60) * 60) * 1000000000

now_ns := time.parse_rfc3339_ns(data.attest.now)

sla_days := data.attest.params.vuln_remediation_sla.sla_days

# Every fixable vulnerability whose severity has a deadline, built once, as
# [record, deadline in days, age in days or null when unknown].
fixable := [[v, days, age_days(v)] |
	some v in input.vulnerability
	days := sla_days[v.severity]
	is_number(days)
	is_string(v.fixed)
	v.fixed != ""
]

# Judged: those of known age, and critical ones of unknown age.
applies contains v._id if {
	some [v, _, age] in fixable
	age != null
}

applies contains v._id if {
	some [v, _, null] in fixable
	v.severity == "critical"
}

deny contains {"resource": v._id, "msg": msg} if {
	some [v, days, age] in fixable
	age != null
	age > days
	msg := sprintf("%s %s (%s) is fixed in %s, published %s: %d days ago, past the %d-day deadline for %s", [
		v.severity, what(v), where(v), v.fixed, substring(v.published, 0, 10), age, days, v.severity,
	])
}

deny contains {"resource": v._id, "msg": msg} if {
	some [v, days, null] in fixable
	v.severity == "critical"
	msg := sprintf("critical %s (%s) is fixed in %s, but the %s scan gives no publication date: its age is unknown, so it cannot be shown to be within the %d-day deadline", [
		what(v), where(v), v.fixed, text(v, "scanner", "vulnerability"), days,
	])
}

age_days(v) := floor((now_ns - published_ns(v)) / day_ns) if {
	published_ns(v)
} else := null

# RFC 3339, or a plain date.
published_ns(v) := t if {
	t := time.parse_rfc3339_ns(v.published)
} else := t if {
	count(v.published) == 10
	t := time.parse_ns("2006-01-02", v.published)
}

text(v, key, fallback) := s if {
	s := v[key]
	is_string(s)
	s != ""
} else := fallback

what(v) := sprintf("%s in %s %s", [text(v, "id", "(no id)"), text(v, "package", "(unnamed package)"), text(v, "installed", "(version unknown)")])

# Where it was found: the target, and the artifact when the target does not
# already name it.
where(v) := place(text(v, "target", ""), text(v, "artifact", ""))

place(t, a) := "target unknown" if {
	t == ""
	a == ""
} else := a if {
	t == ""
} else := t if {
	contains(t, a)
} else := sprintf("%s in %s", [t, a])
