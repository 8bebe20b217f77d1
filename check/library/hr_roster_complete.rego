# METADATA
# title: HR roster rows complete enough to reconcile
# description: >-
#   Each row of the HR roster has an email address; current staff (active
#   or on leave) have a start date, and terminated staff a last working
#   day. Without these, the checks that match accounts to people, and
#   leavers to disabled accounts, cannot see or time the row.
# custom:
#   severity: medium
#   controls: [AC-05]
#   reads: [hr.employee]
#   subject: hr.employee
#   pass: has the fields the account reconciliation relies on
package attest.checks.hr_roster_complete

# The roster importer already refuses rows with an unknown status, a
# malformed date or no email (they are listed as collection problems);
# these rules cover what it lets through.

current_statuses := {"active", "leave"}

deny contains {"resource": e._id, "msg": "no email address, so the row cannot be matched to any account"} if {
	some e in input.hr.employee
	email := object.get(e, "email", null)
	not is_string(email)
}

deny contains {"resource": e._id, "msg": email_msg(e.email)} if {
	some e in input.hr.employee
	is_string(e.email)
	not contains(e.email, "@")
}

email_msg(s) := "no email address, so the row cannot be matched to any account" if {
	trim_space(s) == ""
} else := sprintf("email %q is not an email address", [s])

deny contains {"resource": e._id, "msg": sprintf("%s with no start date", [e.status])} if {
	current := current_statuses
	some e in input.hr.employee
	current[e.status]
	d := object.get(e, "start_date", null)
	not is_string(d)
}

deny contains {"resource": e._id, "msg": "terminated with no end date (last working day)"} if {
	some e in input.hr.employee
	e.status == "terminated"
	d := object.get(e, "end_date", null)
	not is_string(d)
}
