package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/evidence"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/report"
)

var (
	managers = []string{attest.RoleAdmin, attest.RoleCompliance}
	staff    = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner}
	readers  = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleAuditor, attest.RoleViewer}
	admins   = []string{attest.RoleAdmin}
	// members are the accounts of the organization's people, who may be
	// named a policy's approver or an access review's reviewer.
	members = []string{attest.RoleAdmin, attest.RoleCompliance, attest.RoleOwner, attest.RoleViewer}
	// fieldwrk are the roles that read the working papers, as the
	// workflows decide it (auth.PapersRoles): management and the auditor.
	fieldwrk = auth.PapersRoles
)

// table is every route and who may use it. An HTML route and its JSON
// twin that share a handler are one declaration (JSON names the twin's
// pattern); expand registers both.
//
// It is long because it is the route table itself: one line per route,
// kept in one list so that who may use what is read in one place.
func (s *Server) table() []route {
	return []route{
		{Method: "GET", Pattern: "/healthz", Roles: Public, API: true, Summary: "Liveness", h: s.healthz},
		{Method: "GET", Pattern: "/readyz", Roles: Public, API: true, Summary: "Readiness: the store answers", h: s.readyz},
		{Method: "GET", Pattern: "/api/v1/openapi.json", Roles: Public, API: true, Summary: "This API's OpenAPI document", h: s.openapi},
		{Method: "GET", Pattern: "/static/{name}", Roles: Public, Summary: "Style sheet and scripts", h: s.static},
		{Method: "GET", Pattern: "/login", Roles: Public, Summary: "Sign-in form", h: s.loginForm},
		{Method: "POST", Pattern: "/login", Roles: Public, Summary: "Sign in (form fields email, password)", h: s.login},
		{Method: "GET", Pattern: "/login/oidc", Roles: Public, Summary: "Sign in with single sign-on: off to the provider", h: s.oidcStart},
		{Method: "GET", Pattern: "/login/oidc/callback", Roles: Public, Summary: "Single sign-on: back from the provider", h: s.oidcCallback},
		{Method: "POST", Pattern: "/logout", Roles: readers, Summary: "Sign out", h: s.logout},
		{Method: "GET", Pattern: "/{$}", Roles: readers, Summary: "Dashboard of one engagement (query: engagement; default the one last shown)", h: s.dashboard},
		{Method: "GET", Pattern: "/switch", Roles: readers, Summary: "Show another engagement on the page named (query: engagement, page)", h: s.switchEngagement},
		{Method: "GET", Pattern: "/api/v1/me", Roles: readers, API: true, Summary: "The signed-in user", h: s.me},
		{Method: "GET", Pattern: "/api/v1/engagements", Roles: readers, API: true, Summary: "Engagements", h: s.engagements},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/controls", Roles: readers, API: true, Summary: "An engagement's controls", h: s.controls},
		{Method: "GET", Pattern: "/api/v1/evidence", Roles: readers, API: true, Summary: "Evidence (query: control)", h: s.evidence},
		{Method: "POST", Pattern: "/api/v1/evidence", Roles: staff, API: true, Summary: "Upload evidence (multipart: control, covers or date, performed_on, file; several files at once; allow_empty, force)", h: s.uploadEvidence},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/tests", Results: true, Roles: fieldwrk, API: true, Summary: "The auditors' tests and management's internal tests, each with its responses and, for the auditor's, signature: whether the auditor's signed statement verifies", h: s.tests},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/documents", Roles: fieldwrk, API: true, Summary: "Description inputs, rendered drafts and issued reports", h: s.documents},
		// The auditor's workspace: populations, samples and tests (auditor*.go).
		{Method: "GET", Pattern: "/fieldwork", Roles: fieldwrk, Summary: "Fieldwork: engagements and the auditors' access", h: s.fieldworkIndex},
		{Method: "GET", Pattern: "/fieldwork/{id}", Results: true, Roles: fieldwrk, Summary: "An engagement's fieldwork by control", h: s.workspace},
		{Method: "GET", Pattern: "/fieldwork/{id}/controls/{control}", Results: true, Roles: fieldwrk, Summary: "A control's populations, draws and tests", h: s.controlWork},
		{Method: "POST", Pattern: "/fieldwork/{id}/draws", JSON: "/api/v1/engagements/{id}/draws", Roles: auditorOnly, Summary: "Draw a sample (control, population, seed, size, stratify, reason)", h: s.draw},
		{Method: "POST", Pattern: "/fieldwork/{id}/tests", JSON: "/api/v1/engagements/{id}/tests", Roles: auditorOnly, Summary: "Record the auditor's test (control, procedure, draw, items, deviations, not_performed)", h: s.recordTest},
		{Method: "POST", Pattern: "/fieldwork/{id}/internal-tests", JSON: "/api/v1/engagements/{id}/internal-tests", Roles: managers, Summary: "Record management's internal test", h: s.recordInternalTest},
		{Method: "POST", Pattern: "/fieldwork/{id}/tests/{test}/responses", JSON: "/api/v1/engagements/{id}/tests/{test}/responses", Roles: managers, Summary: "Management's response to a test with exceptions (text)", h: s.respond},
		{Method: "GET", Pattern: "/fieldwork/{id}/export", JSON: "/api/v1/engagements/{id}/export", Roles: auditorOnly, Summary: "The signed export of the working papers (ZIP)", h: s.export},
		// The service auditor's signing keys (auditor_keys.go).
		{Method: "GET", Pattern: "/fieldwork/{id}/key", JSON: "/api/v1/engagements/{id}/auditor-keys", Roles: fieldwrk, Summary: "The auditors' enrolled keys and fingerprints", h: s.keyPage},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/auditor-keys", Roles: fieldwrk, API: true, Summary: "Enroll an auditor's public key (public_key, holder, name)", h: s.enrollKey},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/auditor-keys/confirm", Roles: auditorOnly, API: true, Summary: "Confirm your key: its first statement, signed by it (key, statement, signature)", h: s.confirmKey},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/tests/{test}/evaluations", Roles: auditorOnly, API: true, Summary: "Evaluate a test's deviations, signed (nature, extension, compensating, conclusion)", h: s.evaluate},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/tests/{test}/reviews", Roles: auditorOnly, API: true, Summary: "A reviewer's sign-off on a test, signed (note)", h: s.review},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/draws/{draw}/extensions", Roles: auditorOnly, API: true, Summary: "Extend a draw after an isolated deviation, signed (size, reason)", h: s.extend},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/populations/{population}/tests", Roles: auditorOnly, API: true, Summary: "How a population's completeness and accuracy were tested, signed (procedure)", h: s.testPopulation},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/populations", Results: true, Roles: fieldwrk, API: true, Summary: "Populations with provenance and hashes (query: control)", h: s.apiPopulations},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/draws", Results: true, Roles: fieldwrk, API: true, Summary: "Sample draws: seeds, population hashes, selected items (query: control)", h: s.apiDraws},
		// Evidence requests and their threads (requests.go).
		{Method: "GET", Pattern: "/fieldwork/{id}/requests", JSON: "/api/v1/engagements/{id}/requests", Roles: readers, Summary: "Evidence requests, overdue ones marked (query: status)", h: s.requestsPage},
		{Method: "POST", Pattern: "/fieldwork/{id}/requests", JSON: "/api/v1/engagements/{id}/requests", Roles: auditorOnly, Summary: "Request evidence (control, text, items, due)", h: s.createRequest},
		{Method: "GET", Pattern: "/fieldwork/{id}/requests/{req}", JSON: "/api/v1/engagements/{id}/requests/{req}", Roles: readers, Summary: "A request with its comments and evidence", h: s.requestPage},
		{Method: "POST", Pattern: "/fieldwork/{id}/requests/{req}/comments", JSON: "/api/v1/engagements/{id}/requests/{req}/comments", Roles: fieldwrkAndOwners, Summary: "Comment on a request (text)", h: s.comment},
		{Method: "POST", Pattern: "/fieldwork/{id}/requests/{req}/evidence", JSON: "/api/v1/engagements/{id}/requests/{req}/evidence", Roles: staff, Summary: "Answer a request with evidence (evidence: IDs)", h: s.answer},
		{Method: "POST", Pattern: "/fieldwork/{id}/requests/{req}/close", JSON: "/api/v1/engagements/{id}/requests/{req}/close", Roles: auditorOnly, Summary: "Close a request after review", h: s.closeRequest},
		// Users and API tokens (admin.go).
		{Method: "GET", Pattern: "/admin/users", JSON: "/api/v1/users", Roles: adminOnly, Summary: "Users", h: s.usersPage},
		{Method: "POST", Pattern: "/admin/users", JSON: "/api/v1/users", Roles: adminOnly, Summary: "Add a user (email, name, role: viewer when none is given, password; a generated password is returned once)", h: s.addUser},
		{Method: "POST", Pattern: "/admin/users/{uid}/disable", JSON: "/api/v1/users/{uid}/disable", Roles: adminOnly, Summary: "Disable a user", h: s.disableUser},
		{Method: "GET", Pattern: "/admin/tokens", JSON: "/api/v1/tokens", Roles: adminOnly, Summary: "API tokens (never their secrets)", h: s.tokensPage},
		{Method: "POST", Pattern: "/admin/tokens", Roles: adminOnly, Summary: "Create an API token (form)", h: s.createToken},
		{Method: "POST", Pattern: "/admin/tokens/{tid}/revoke", JSON: "/api/v1/tokens/{tid}/revoke", Roles: adminOnly, Summary: "Revoke an API token", h: s.revokeToken},
		{Method: "POST", Pattern: "/api/v1/tokens", Roles: Any, API: true, Summary: "Create an API token (name; user: your own address, or an admin naming a service account); the secret is returned once", h: s.createToken},
		// The compliance program: policies and access reviews (program*.go).
		{Method: "GET", Pattern: "/program", JSON: "/api/v1/program", Roles: readers, Summary: "The compliance program at a glance: policies due and overdue for review, open access reviews, open revokes", h: s.programPage},
		{Method: "GET", Pattern: "/program/policies", JSON: "/api/v1/policies", Roles: readers, Summary: "Policies with status, version, owner and next review (an auditor: those bearing on their engagements)", h: s.policiesPage},
		{Method: "GET", Pattern: "/program/policies/{policy}", JSON: "/api/v1/policies/{policy}", Roles: readers, Summary: "A policy: a version's text (query: version; default the current one), its versions, approvals and publications", h: s.policyPage},
		{Method: "GET", Pattern: "/program/policies/{policy}/diff", JSON: "/api/v1/policies/{policy}/diff", Roles: readers, Summary: "The lines changed between two versions of a policy (query: from, to; default the current one and the one before)", h: s.policyDiff},
		{Method: "GET", Pattern: "/program/policies/{policy}/edit", Roles: staff, Summary: "Form to edit a policy (management or its owner)", h: s.policyEditPage},
		{Method: "POST", Pattern: "/program/policies/{policy}/edit", JSON: "/api/v1/policies/{policy}/edit", Roles: staff, Summary: "Edit a policy (body, owner, approvers: e-mail addresses, review, note): a new text is a new version; any change makes it a draft again", h: s.policyEdit},
		{Method: "POST", Pattern: "/program/policies/{policy}/submit", JSON: "/api/v1/policies/{policy}/submit", Roles: staff, Summary: "Send a policy's draft to its approvers (note)", h: s.policySubmit},
		{Method: "POST", Pattern: "/program/policies/{policy}/approve", JSON: "/api/v1/policies/{policy}/approve", Roles: members, Summary: "Approve the version in review, as one of the approvers the policy names (version, note)", h: s.policyApprove},
		{Method: "POST", Pattern: "/program/policies/{policy}/publish", JSON: "/api/v1/policies/{policy}/publish", Roles: managers, Summary: "Put a policy's approved version in force (note)", h: s.policyPublish},
		{Method: "GET", Pattern: "/program/reviews", JSON: "/api/v1/reviews", Roles: readers, Summary: "Access reviews with their progress (an auditor: those bearing on their engagements)", h: s.reviewsPage},
		{Method: "GET", Pattern: "/program/reviews/{review}", JSON: "/api/v1/reviews/{review}", Roles: readers, Summary: "An access review: progress per reviewer, the accounts (a reviewer: those assigned to them), what blocks completion", h: s.reviewPage},
		{Method: "POST", Pattern: "/program/reviews/{review}/decisions", JSON: "/api/v1/reviews/{review}/decisions", Roles: members, Summary: "Your batch of decisions on the accounts assigned to you (form: account, decision, reason per row; JSON: decisions [{account, decision, reason}])", h: s.reviewDecide},
		{Method: "POST", Pattern: "/program/reviews/{review}/signoff", JSON: "/api/v1/reviews/{review}/signoff", Roles: members, Summary: "Sign off your part of an access review once every account assigned to you is decided (note)", h: s.reviewSignOff},
		{Method: "POST", Pattern: "/program/reviews/{review}/assign", JSON: "/api/v1/reviews/{review}/assign", Roles: managers, Summary: "Give accounts their reviewer (owner: the system owner's e-mail; by_manager; reviewer and accounts to name them)", h: s.reviewAssign},
		{Method: "POST", Pattern: "/program/reviews/{review}/tickets", JSON: "/api/v1/reviews/{review}/tickets", Roles: managers, Summary: "Show a revoke done by the ticket that carries it out (account, ticket)", h: s.reviewTicket},
		{Method: "POST", Pattern: "/program/reviews/{review}/complete", JSON: "/api/v1/reviews/{review}/complete", Roles: managers, Summary: "Complete an access review nothing blocks (controls: its decisions become their evidence)", h: s.reviewComplete},
		{Method: "GET", Pattern: "/program/reviews/{review}/export", JSON: "/api/v1/reviews/{review}/export", Roles: readers, Summary: "An access review's accounts and decisions as a download (query: format csv or xlsx)", h: s.reviewExport},
		// The roster and its checklists (program_people.go): management reads the roster, a manager their reports, an assignee their items; never the auditor.
		{Method: "GET", Pattern: "/program/people", JSON: "/api/v1/people", Roles: members, Summary: "The roster with each person's checklist progress (query: status, department; a manager outside management: their reports)", h: s.peoplePage},
		{Method: "GET", Pattern: "/program/people/import", Roles: managers, Summary: "Form to import the roster from a CSV file", h: s.peopleImportPage},
		{Method: "POST", Pattern: "/program/people/import", JSON: "/api/v1/people/import", Roles: managers, Summary: "Import the roster (multipart: file; owner GROUP=EMAIL): answers the changes and records nothing until confirm names the file's SHA-256 (with the same file, or its contents and name)", h: s.peopleImport},
		{Method: "GET", Pattern: "/program/people/{person}", JSON: "/api/v1/people/{person}", Roles: members, Summary: "A person (number or e-mail address) with their onboarding and offboarding items (a manager: their reports; an assignee: the items given to them)", h: s.personPage},
		{Method: "GET", Pattern: "/program/checklists", JSON: "/api/v1/checklists", Roles: members, Summary: "Checklist items overdue or done late (query: by person or control, person; outside management: the items assigned to you)", h: s.checklistsPage},
		{Method: "POST", Pattern: "/program/checklists/items/{item}/done", JSON: "/api/v1/checklists/items/{item}/done", Roles: members, Summary: "Mark a task item done: its assignee, or management naming who did it (by, on, note; multipart: file, evidence for the item's controls)", h: s.checklistDone},
		{Method: "POST", Pattern: "/program/checklists/items/{item}/assign", JSON: "/api/v1/checklists/items/{item}/assign", Roles: managers, Summary: "Give a checklist item not yet done to another account (to: its e-mail address)", h: s.checklistAssign},
		// The staff pages (pages_*.go).
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/dashboard", Roles: readers, API: true, Summary: "The dashboard's facts: readiness, coverage per control, gaps, failing checks, missed and upcoming occurrences, overdue requests", h: s.dashboardAPI},
		{Method: "GET", Pattern: "/controls", Roles: readers, Summary: "Controls per engagement (query: engagement)", h: s.controlsPage},
		{Method: "GET", Pattern: "/controls/{engagement}/{control}", Roles: readers, Summary: "A control: status over the period, evidence history", h: s.controlPage},
		{Method: "GET", Pattern: "/controls/{engagement}/{control}/edit", Roles: staff, Summary: "Edit a control (control owners: their own)", h: s.controlEditPage},
		{Method: "POST", Pattern: "/controls/{engagement}/{control}", Roles: staff, Summary: "Save a control (form fields owner, status, status_reason, frequency, due_days, description)", h: s.controlSave},
		{Method: "GET", Pattern: "/api/v1/engagements/{id}/controls/{control}", Roles: readers, API: true, Summary: "A control with its occurrences and evidence", h: s.controlAPI},
		{Method: "PATCH", Pattern: "/api/v1/engagements/{id}/controls/{control}", Roles: staff, API: true, Summary: "Change a control (JSON: owner, status, status_reason, frequency, due_days, description; control owners: their own)", h: s.controlPatch},
		{Method: "GET", Pattern: "/evidence", Roles: readers, Summary: "Evidence, newest first (query: control)", h: s.evidencePage},
		{Method: "GET", Pattern: "/evidence/upload", Roles: staff, Summary: "Evidence upload form", h: s.uploadPage},
		{Method: "POST", Pattern: "/evidence/upload", Roles: staff, Summary: "Upload evidence from the form (multipart: control, covers, performed_on, file)", h: s.uploadForm},
		{Method: "GET", Pattern: "/evidence/{id}/download", JSON: "/api/v1/evidence/{id}/content", Roles: readers, Summary: "An evidence item's bytes (retracted: ?retracted=1)", h: s.downloadEvidence},
		{Method: "GET", Pattern: "/checks", JSON: "/api/v1/checks", Roles: readers, Summary: "Built-in checks, recorded runs, and the latest run's failures (query: run)", h: s.checksPage},
		{Method: "GET", Pattern: "/reports", JSON: "/api/v1/reports", Roles: fieldwrk, Summary: "Report drafts and issued reports per engagement", h: s.reportsPage},
		{Method: "POST", Pattern: "/reports/build", Roles: managers, Summary: "Build a draft now (form fields engagement, kind, formats: html and md, both when none is named)", h: s.buildDraftForm},
		{Method: "PUT", Pattern: "/api/v1/engagements/{id}/description", Roles: managers, API: true, Summary: "Save a new version of the description inputs (body: YAML or JSON; query: replace=1 to remove answered parts, dry_run=1); answers with the changes and gaps", h: s.saveDescription},
		{Method: "POST", Pattern: "/api/v1/engagements/{id}/drafts", Roles: managers, API: true, Summary: "Build a draft (JSON: kind; formats: html and md, both when none is named)", h: s.buildDraftAPI},
		{Method: "GET", Pattern: "/documents/{id}/download", JSON: "/api/v1/documents/{id}/content", Roles: fieldwrk, Summary: "A document's bytes", h: s.downloadDocument},
		{Method: "GET", Pattern: "/ledger", JSON: "/api/v1/ledger", Roles: fieldwrk, Summary: "The ledger's size, latest checkpoint and key", h: s.ledgerPage},
		{Method: "POST", Pattern: "/ledger/verify", JSON: "/api/v1/ledger/verify", Roles: fieldwrk, Summary: "Verify the ledger and every blob", h: s.verifyPage},
		{Method: "GET", Pattern: "/ledger/proof", JSON: "/api/v1/ledger/proofs/{entry}", Roles: fieldwrk, Summary: "An inclusion proof of an entry", h: s.proofDownload},
		// The employee portal (portal.go): people on the roster without a staff account.
		{Method: "GET", Pattern: "/portal", Roles: Public, Summary: "The employee portal: what is asked of the signed-in person (policies to acknowledge, training, checklist items); else the form that mails a sign-in link", h: s.portalHome},
		{Method: "GET", Pattern: "/api/v1/portal", Roles: employees, API: true, Summary: "What is asked of the signed-in person (the portal's page as JSON)", h: s.portalHome},
		{Method: "POST", Pattern: "/portal/link", Roles: Public, Summary: "Mail a sign-in link to the portal (form field email; the same answer whoever asks)", h: s.portalLink},
		{Method: "GET", Pattern: "/portal/login/{token}", Roles: Public, Summary: "The page a sign-in link opens: one button that signs in", h: s.portalLoginPage},
		{Method: "POST", Pattern: "/portal/login/{token}", Roles: Public, Summary: "Sign in to the portal with a link (single use, 15 minutes)", h: s.portalLogin},
		{Method: "POST", Pattern: "/portal/logout", Roles: employees, Summary: "Sign out of the portal", h: s.portalLogout},
		{Method: "GET", Pattern: "/portal/policies/{id}", Roles: employees, Summary: "A policy asked of the signed-in person: the version in force", h: s.portalPolicy},
		{Method: "POST", Pattern: "/portal/policies/{id}/acknowledge", JSON: "/api/v1/portal/policies/{id}/acknowledgements", Roles: employees, Summary: "Acknowledge the version in force of a policy (field version: the version read)", h: s.portalAck},
		{Method: "GET", Pattern: "/program/acknowledgements", JSON: "/api/v1/acknowledgements", Roles: managers, Summary: "Policy acknowledgements per policy and per person, outstanding first (query: policy, person as an e-mail address)", h: s.acksPage},
		{Method: "GET", Pattern: "/program/training", JSON: "/api/v1/training", Roles: managers, Summary: "Security training per in-scope person, overdue first (query: person as an e-mail address, course: the courses that count)", h: s.trainingPage},
		{Method: "POST", Pattern: "/api/v1/training/imports", Roles: managers, API: true, Summary: "Import a training provider's CSV export (body: the CSV; query: name, the file's name for messages)", h: s.trainingImportAPI},
		{Method: "GET", Pattern: "/trust", Roles: Public, Summary: "The trust center (single organization)", h: s.trustRedirect},
		{Method: "GET", Pattern: "/trust/{org}", Roles: Public, Summary: "The organization's trust center", h: s.trust},
		{Method: "GET", Pattern: "/trust/{org}/request", Roles: Public, Summary: "Form to request access to a restricted report (query: doc)", h: s.trustRequestPage},
		{Method: "POST", Pattern: "/trust/{org}/request", Roles: Public, Summary: "Request access (form fields doc, name, email, company, requester, reason)", h: s.requestAccess},
		{Method: "GET", Pattern: "/trust/{org}/confirm/{token}", Roles: Public, Summary: "Confirm an access request; shows the NDA where required", h: s.confirmPage},
		{Method: "POST", Pattern: "/trust/{org}/confirm/{token}", Roles: Public, Summary: "Confirm the e-mail address and accept the NDA (fields accept, signature, nda_version)", h: s.confirm},
		{Method: "GET", Pattern: "/trust/{org}/access/{token}", Roles: Public, Summary: "A requester's personal page (expiring link)", h: s.accessPage},
		{Method: "GET", Pattern: "/trust/{org}/access/{token}/documents/{id}", Roles: Public, Summary: "Download the granted document, watermarked for the requester", h: s.accessDownload},
		{Method: "GET", Pattern: "/trust/{org}/documents/{id}", Roles: Public, Summary: "Download a public (SOC 3) report", h: s.publicDownload},
		{Method: "GET", Pattern: "/admin/trust", Roles: admins, Summary: "Trust center access: requests, NDA signatures, downloads, messages", h: s.trustAdmin},
		{Method: "POST", Pattern: "/admin/trust/requests/{id}/approve", JSON: "/api/v1/trust/requests/{id}/approve", Roles: admins, Summary: "Approve an access request (form fields override, note)", h: s.decide("approve")},
		{Method: "POST", Pattern: "/admin/trust/requests/{id}/refuse", Roles: admins, Summary: "Refuse an access request", h: s.decide("refuse")},
		{Method: "POST", Pattern: "/admin/trust/requests/{id}/revoke", JSON: "/api/v1/trust/requests/{id}/revoke", Roles: admins, Summary: "Revoke an approved request's link", h: s.decide("revoke")},
		{Method: "POST", Pattern: "/admin/trust/nda", Roles: admins, Summary: "Publish a new NDA version (field text)", h: s.saveNDA},
		{Method: "POST", Pattern: "/admin/trust/settings", Roles: admins, Summary: "Trust center settings (auto_domains, link_days, nda_soc1, nda_soc2)", h: s.saveTrustSettings},
		{Method: "GET", Pattern: "/admin/trust/log.csv", Roles: admins, Summary: "Access requests, NDA acceptances and downloads as CSV", h: s.trustLog},
		{Method: "GET", Pattern: "/api/v1/trust/requests", Roles: admins, API: true, Summary: "Trust center access requests", h: s.trustRequestsJSON},
		{Method: "GET", Pattern: "/api/v1/trust/downloads", Roles: admins, API: true, Summary: "Trust center downloads", h: s.trustDownloadsJSON},
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if _, err := s.cfg.Store.LedgerSize(r.Context()); err != nil {
		s.cfg.Log.Warn("not ready", "err", err)
		return &attest.Error{Code: attest.EUNAVAILABLE, Message: "the database does not answer"}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	return writePage(w, http.StatusOK, "login", s.loginData(r, loginData{Next: r.URL.Query().Get("next")}))
}

// loginData is the sign-in page: the form's answers so far and why the
// last attempt failed, whether single sign-on is offered, the
// organization's name and where its trust center is.
type loginData struct {
	Layout
	Email, Next, Error string
	SSO                bool
	Org, TrustPath     string
}

// loginData completes the sign-in page's data with what it shows besides
// the form.
func (s *Server) loginData(r *http.Request, data loginData) *loginData {
	data.Title = "Sign in"
	data.SSO = s.sso != nil
	data.MainClass = "signin"
	data.Org = s.orgName(r.Context())
	data.TrustPath = "/trust/" + s.cfg.Org
	return &data
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	if err := parseForm(w, r, 64<<10, "the sign-in form could not be read"); err != nil {
		return err
	}
	email := auth.NormalEmail(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	// Guessing is slowed, per account and per address (auth.Throttle);
	// the right password always signs in.
	if err := s.throttle.Wait(r.Context(), email); err != nil {
		return err
	}
	p, err := s.policy(r.Context())
	if err != nil {
		return err
	}
	u, err := auth.Password(r.Context(), s.cfg.Store, p, email, password)
	if err == auth.ErrWrongPassword {
		if err := s.throttle.Failed(email, s.clientIP(r)); err != nil {
			return err
		}
		return writePage(w, http.StatusUnauthorized, "login", s.loginData(r, loginData{Error: "Wrong e-mail address or password.", Email: email, Next: r.PostFormValue("next")}))
	} else if err != nil {
		return err
	}
	s.throttle.Succeeded(email)
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Remove(r.Context(), "person")
	s.sessions.Put(r.Context(), "user", u.ID)
	next := localPath(r.PostFormValue("next"))
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	return s.signOut(w, r, "/login")
}

// signOut ends the session and goes to the page next.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request, next string) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) engagements(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := engagement.List(r.Context(), s.cfg.Store, scope(r.Context()))
	return answerJSON(w, l, err)
}

func (s *Server) controls(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	l, _, err := engagement.FindControls(r.Context(), s.cfg.Store, scope(r.Context()), e.ID, engagement.ControlFilter{})
	return answerJSON(w, l, err)
}

func (s *Server) evidence(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	l, err := evidence.List(r.Context(), s.cfg.Store, scope(r.Context()), strings.ToUpper(r.URL.Query().Get("control")), false)
	return answerJSON(w, l, err)
}

// tests is every test of the engagement in the order recorded, each with
// its responses and, for the auditor's, the verdict on the auditor's
// signed statement (a test whose statement does not verify is not the
// auditor's result).
func (s *Server) tests(w http.ResponseWriter, r *http.Request, u *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	auditors, internal, err := fieldwork.Tests(r.Context(), s.cfg.Store, u, scope(r.Context()), e.ID, "")
	l := append(auditors, internal...)
	slices.SortFunc(l, func(a, b fieldwork.Tested) int { return cmp.Compare(a.ID, b.ID) })
	return answerJSON(w, attest.OrEmpty(l), err)
}

func (s *Server) documents(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	e, err := s.engagementOf(r)
	if err != nil {
		return err
	}
	l, err := report.ListDocuments(r.Context(), s.cfg.Store, scope(r.Context()), e.ID, r.URL.Query().Get("kind"))
	return answerJSON(w, l, err)
}

func (s *Server) trustRedirect(w http.ResponseWriter, r *http.Request, _ *attest.User) error {
	http.Redirect(w, r, "/trust/"+s.cfg.Org, http.StatusFound)
	return nil
}

// localPath is next when it is a path on this server, else "/": never
// another host, however written (//host, /\host, %5C, a scheme).
func localPath(next string) string {
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.ContainsAny(next, "\\\r\n") || strings.Contains(strings.ToLower(next), "%5c") || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	return next
}
