package demo

import (
	"context"
	"slices"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/trust"
)

// Password is the sample users' password: a demo on the loopback
// address only, never a real installation.
const Password = "harbor-demo-password"

// Users are the demo's sign-in accounts, one per role.
var Users = []attest.User{
	{Email: "kenji.mori@harbor.example", Name: "Kenji Mori", Role: attest.RoleAdmin},
	{Email: complianceManager, Name: "Priya Raman", Role: attest.RoleCompliance},
	{Email: "jonah.weiss@harbor.example", Name: "Jonah Weiss", Role: attest.RoleOwner},
	{Email: "ana.lima@example-partners-cpas.example", Name: "Ana Lima", Role: attest.RoleAuditor},
	{Email: "maya.lindqvist@harbor.example", Name: "Maya Lindqvist", Role: attest.RoleViewer},
}

// Staff are the other Harbor people with an account: the control owners
// who own, approve or review in the compliance program (the CTO approves
// the technical policies; managers review their teams' access), and the
// rest of the owners the controls name, so that every control's owner is
// an account from the start.
var Staff = []attest.User{
	{Email: "tomas.okafor@harbor.example", Name: "Tomas Okafor", Role: attest.RoleOwner},
	{Email: "lucia.fernandes@harbor.example", Name: "Lucia Fernandes", Role: attest.RoleOwner},
	{Email: "grace.mensah@harbor.example", Name: "Grace Mensah", Role: attest.RoleOwner},
	{Email: "sam.adeyemi@harbor.example", Name: "Sam Adeyemi", Role: attest.RoleOwner},
	{Email: "hannah.cole@harbor.example", Name: "Hannah Cole", Role: attest.RoleOwner},
	{Email: "oliver.brandt@harbor.example", Name: "Oliver Brandt", Role: attest.RoleOwner},
	{Email: "diego.alvarez@harbor.example", Name: "Diego Alvarez", Role: attest.RoleOwner},
	{Email: "ruth.ansah@harbor.example", Name: "Ruth Ansah", Role: attest.RoleOwner},
}

// accounts gives the demo its sign-in accounts, first, so that the
// auditor and the control owners are linked to them from the start.
// It returns each account's ID by name, and keeps the accounts for the
// program's acts, each made by its own account.
func (b *builder) accounts(ctx context.Context) (map[string]int64, error) {
	ch := attest.Change{Actor: "Kenji Mori", At: b.Now()}
	// One hash for all: the sample users share the demo password.
	hash, err := argon2id.CreateHash(Password, argon2id.DefaultParams)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	b.users = map[string]*attest.User{}
	for _, u := range append(slices.Clone(Users), Staff...) {
		u.PasswordHash = hash
		saved, err := b.Store.SaveUser(ctx, ch, u)
		if err != nil {
			return nil, err
		}
		ids[saved.Name] = saved.ID
		b.users[saved.Name] = saved
	}
	// Harbor's CI records its checks with a token of its own: a service
	// account's, never a person's (auth.CreateToken's rule).
	admin := b.users["Kenji Mori"]
	if _, err := auth.AddUser(ctx, b.Store, ch, admin, auth.NewUser{Email: ServiceAccount, Name: "Harbor CI", Role: attest.RoleCompliance, Service: true}); err != nil {
		return nil, err
	}
	if _, err := auth.CreateToken(ctx, b.Store, ch, admin, ServiceAccount, "ci"); err != nil {
		return nil, err
	}
	return ids, nil
}

// ServiceAccount is the demo's service account, which holds the token
// Harbor's CI uses (attest token list names it as the holder).
const ServiceAccount = "ci@harbor.example"

// nda is the demo's click-through NDA, in our own words.
const nda = `Harbor Payroll, Inc. shares its SOC reports with people who need them to assess Harbor as a service provider. By accepting this agreement, you, on behalf of your company, agree that:

1. You will use the report only to evaluate Harbor's services, your use of them, or (for auditors) your client's financial statements.
2. You will keep the report confidential: share it only with colleagues and advisers who need it for that purpose and who are bound to confidentiality, and not publish it or pass it to anyone else.
3. You will not alter the report or present parts of it out of context.
4. You will delete or destroy your copies when you no longer need them for that purpose, or when Harbor asks.
5. The report describes Harbor's controls as the CPA firm examined them, for the period it names; it is not a certification, and it gives no assurance about any later period.

This agreement is governed by the laws of the State of Delaware. It is fictional: this is a demo.`

// trust gives the demo its trust center: an NDA, example issued SOC 1
// and SOC 3 reports beside the SOC 2 one, and a public policy summary.
func (b *builder) trust(ctx context.Context, engs []*attest.Engagement) error {
	now := b.Now()
	ch := attest.Change{Actor: "Kenji Mori", At: now}
	if _, err := trust.PublishNDA(ctx, b.Store, ch, nil, nda); err != nil {
		return err
	}
	for _, e := range engs {
		file, kind, typ := "files/example-soc1-report.pdf", "SOC 1", "Type 2"
		if e.Kind == attest.SOC2 {
			file, kind, typ = "files/example-soc3-report.pdf", "SOC 3", ""
		}
		pdf, err := files.ReadFile(file)
		if err != nil {
			return err
		}
		start, _ := attest.ParseDate(e.PeriodStart)
		prior := attest.AddMonths(start, -12).Format(time.DateOnly) + ".." + start.AddDate(0, 0, -1).Format(time.DateOnly)
		name := "harbor-payroll-" + map[string]string{"SOC 1": "soc1-type2", "SOC 3": "soc3"}[kind] + "-prior-period-EXAMPLE.pdf"
		if err := b.issued(ctx, e, kind, typ, prior, name, pdf); err != nil {
			return err
		}
	}
	// A policy summary, public, beside the reports.
	summary, err := files.ReadFile("files/example-policy-summary.pdf")
	if err != nil {
		return err
	}
	if _, err := trust.Add(ctx, b.Store, b.Blobs, b.change(), nil, trust.NewDocument{EngagementID: engs[len(engs)-1].ID,
		File: "harbor-payroll-security-policy-summary-EXAMPLE.pdf", Title: "Information security policy (summary)", Audience: trust.AudiencePublic,
		PDF: summary, Meta: map[string]string{"example": "fictional file for the demo"}}); err != nil {
		return err
	}
	return b.Program.Checkpoint(ctx)
}
