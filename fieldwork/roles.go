package fieldwork

import "github.com/attest-dev/attest"

// Who does what in fieldwork, as the workflows decide it. The pages ask
// the same questions to choose which forms to show, so a form is offered
// only to whom its workflow accepts (the engagement and its window are
// the workflow's to check as well).

// Audits reports whether actor acts as a service auditor: an auditor's
// account, which alone sets seeds, draws, tests, requests and closes
// them, on the engagements naming it (RequireAuditor).
func Audits(actor *attest.User) bool {
	return actor != nil && actor.Role == attest.RoleAuditor
}

// MayRespond reports whether actor gives management's responses to the
// auditor's exceptions (and records management's own tests): management,
// the local operator, an administrator or a compliance manager.
func MayRespond(actor *attest.User) bool { return attest.Manages(actor) }

// MayRespondTo reports whether actor may respond to t now: management, to
// an auditor's test that found exceptions (what Respond takes).
func MayRespondTo(actor *attest.User, t *attest.Test) bool {
	return MayRespond(actor) && respondable(t)
}

// respondable is an auditor's test with exceptions: management responds
// to those only.
func respondable(t *attest.Test) bool {
	return !t.Internal && t.Conclusion == attest.ConclusionExceptions
}

// MayAnswer reports whether actor answers requests with evidence: the
// organization's staff, not its auditors and not a viewer.
func MayAnswer(actor *attest.User) bool {
	return attest.Staff(actor) && !Audits(actor) && (actor == nil || actor.Role != attest.RoleViewer)
}

// MayComment reports whether actor writes in a request's thread: the
// staff and the auditors, not a viewer, who reads it.
func MayComment(actor *attest.User) bool {
	return attest.Staff(actor) && (actor == nil || actor.Role != attest.RoleViewer)
}
