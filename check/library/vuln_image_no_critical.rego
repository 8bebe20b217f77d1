# METADATA
# title: No fixable critical vulnerabilities in scanned images
# description: >-
#   Each scanned image or directory (a scan's artifact) holds no critical
#   vulnerability for which a fixed version exists. Critical issues without
#   a fix are left to the remediation-deadline check and the risk process.
#   Every artifact with at least one scanner match is judged.
# custom:
#   severity: critical
#   controls: [OPS-06]
#   reads: [vulnerability]
#   pass: no critical vulnerability with a fix available
package attest.checks.vuln_image_no_critical

max_listed := 5

applies contains artifact(v) if some v in input.vulnerability

# [artifact, vulnerability ID] for every critical vulnerability with a fix.
fixable_critical := [[artifact(v), object.get(v, "id", v._id)] |
	some v in input.vulnerability
	v.severity == "critical"
	is_string(v.fixed)
	v.fixed != ""
]

deny contains {"resource": a, "msg": msg} if {
	some a in {x[0] | some x in fixable_critical}
	ids := {id | some x in fixable_critical; x[0] == a; id := x[1]}
	listed := array.slice(sort(ids), 0, max_listed)
	msg := sprintf("%d critical %s with a fix available: %s%s", [
		count(ids), plural(count(ids)), concat(", ", listed), more(count(ids) - count(listed)),
	])
}

plural(1) := "vulnerability"

plural(n) := "vulnerabilities" if n != 1

more(0) := ""

more(n) := sprintf(" and %d more", [n]) if n > 0

artifact(v) := a if {
	a := v.artifact
	is_string(a)
	a != ""
} else := t if {
	t := v.target
	is_string(t)
	t != ""
} else := "(unnamed artifact)"
