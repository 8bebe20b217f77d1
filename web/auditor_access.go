package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/engagement"
)

// GraceSetting is the store setting that holds how long an auditor's
// access outlasts the report date (a Go duration such as 720h, or days
// such as 30d), when attest serve is not given --auditor-grace.
const GraceSetting = "auditor.grace"

// defaultGrace is the grace period when none is configured.
const defaultGrace = 30 * 24 * time.Hour

// grace is the configured grace period: Config.AuditorGrace, else the
// setting, else 30 days.
func (s *Server) grace(ctx context.Context) (time.Duration, error) {
	if s.cfg.AuditorGrace > 0 {
		return s.cfg.AuditorGrace, nil
	}
	v, err := s.cfg.Store.Setting(ctx, GraceSetting)
	if attest.ErrorCode(err) == attest.ENOTFOUND {
		return defaultGrace, nil
	}
	if err != nil {
		return 0, err
	}
	return ParseGrace(v)
}

// ParseGrace reads a grace period: a Go duration (720h) or whole days (30d).
func ParseGrace(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err == nil && n >= 0 && n <= 3650 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, nil
	}
	return 0, attest.Errorf(attest.EINVALID, "auditor grace %q: want a duration such as 720h or a number of days such as 30d", v)
}

// named reports whether an auditor user is one of the engagement's named
// auditors, by account.
func named(u *attest.User, as []attest.Auditor) bool { return auth.Named(u, as) }

// accessEnd is when an auditor's access to e ends: the end of the report
// date (the recorded one, else the period end or as-of date plus the usual
// fieldwork) plus the grace period. The zero time means no end is known.
func accessEnd(e *attest.Engagement, grace time.Duration) (time.Time, string) {
	rd := engagement.ReportDate(e)
	t, err := attest.ParseDate(rd)
	if err != nil {
		return time.Time{}, ""
	}
	return t.AddDate(0, 0, 1).Add(grace), rd
}

// auditorUntil is when an auditor user's access to the server ends: the
// latest end over the engagements they are named on (over every engagement
// when they are named on none yet). The zero time means no end.
func (s *Server) auditorUntil(ctx context.Context, u *attest.User) (time.Time, string, error) {
	grace, err := s.grace(ctx)
	if err != nil {
		return time.Time{}, "", err
	}
	engs, err := s.cfg.Store.Engagements(ctx)
	if err != nil {
		return time.Time{}, "", err
	}
	var mine []attest.Engagement
	for _, e := range engs {
		as, err := s.cfg.Store.Auditors(ctx, e.ID)
		if err != nil {
			return time.Time{}, "", err
		}
		if named(u, as) {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		mine = engs
	}
	var until time.Time
	var report string
	for i := range mine {
		end, rd := accessEnd(&mine[i], grace)
		if end.IsZero() {
			return time.Time{}, "", nil // an engagement without dates: its fieldwork has no known end
		}
		if end.After(until) {
			until, report = end, rd
		}
	}
	return until, report, nil
}

// auditorAccess refuses an auditor whose access has ended.
func (s *Server) auditorAccess(ctx context.Context, u *attest.User) error {
	if u.Role != attest.RoleAuditor {
		return nil
	}
	until, report, err := s.auditorUntil(ctx, u)
	if err != nil || until.IsZero() || s.cfg.Now().Before(until) {
		return err
	}
	return &attest.Error{Code: attest.EFORBIDDEN, Message: "your access as an auditor ended on " + until.UTC().Format(attest.DateLayout) +
		" (the report date " + report + " plus the grace period): ask an administrator if the engagement's dates have changed"}
}

// expiredAuditorLogin refuses a sign-in by an auditor whose access has
// ended, once the password is right (a wrong one gets the login form's
// usual answer, which reveals nothing).
func (s *Server) expiredAuditorLogin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil // the login handler answers
	}
	u, err := s.cfg.Store.UserByEmail(r.Context(), strings.ToLower(strings.TrimSpace(r.PostFormValue("email"))))
	if err != nil || u.Role != attest.RoleAuditor || u.Disabled {
		return nil
	}
	// The password is compared only for an auditor whose access has ended,
	// so every other sign-in costs the one hash the login handler spends.
	refused := s.auditorAccess(r.Context(), u)
	if attest.ErrorCode(refused) != attest.EFORBIDDEN {
		return refused
	}
	if ok, _ := argon2id.ComparePasswordAndHash(r.PostFormValue("password"), u.PasswordHash); !ok {
		return nil
	}
	return refused
}

// requireAuditor refuses anyone but an auditor acting on an engagement whose access
// window has ended, or who is not one of its named auditors: only they
// may set seeds, draw, test and request.
func (s *Server) requireAuditor(ctx context.Context, u *attest.User, e *attest.Engagement, what string) error {
	if u.Role != attest.RoleAuditor {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "only the service auditor " + what}
	}
	as, err := s.cfg.Store.Auditors(ctx, e.ID)
	if err != nil {
		return err
	}
	if !named(u, as) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: u.Name + " is not a named auditor of " + e.ID + ": only the engagement's auditors " + what +
			" (an administrator names them with attest engagement auditor add NAME --user THEIR-ADDRESS)"}
	}
	grace, err := s.grace(ctx)
	if err != nil {
		return err
	}
	if end, rd := accessEnd(e, grace); !end.IsZero() && !s.cfg.Now().Before(end) {
		return &attest.Error{Code: attest.EFORBIDDEN, Message: "the auditors' access to " + e.ID + " ended on " + end.UTC().Format(attest.DateLayout) + " (report date " + rd + " plus the grace period)"}
	}
	return nil
}
