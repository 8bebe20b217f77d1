package auth

import (
	"context"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/internal/ratelimit"
)

// Throttle slows the guessing of passwords and never refuses the right
// one. Failures are counted per account and per address apart, and
// neither can lock a person out: an account's failures slow its sign-ins
// (Wait), and an address's only refuse more wrong passwords (Failed).
type Throttle struct {
	accounts  *ratelimit.Limiter // failed sign-ins per account (e-mail), for the backoff
	addresses *ratelimit.Limiter // failed sign-ins per address, whatever the e-mail
}

// NewThrottle returns a Throttle that counts the failures of the last 15
// minutes on now's clock.
func NewThrottle(now func() time.Time) *Throttle {
	return &Throttle{accounts: ratelimit.New(5, 15*time.Minute, now), addresses: ratelimit.New(30, 15*time.Minute, now)}
}

// Wait waits before a password is tried for email, as long as backoff
// says for the account's recent failures, or until ctx ends (its error).
func (t *Throttle) Wait(ctx context.Context, email string) error {
	d := backoff(t.accounts.Count(email))
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Failed counts a wrong password for email from the address addr; once
// the address has used up its attempts (30 in 15 minutes, over any
// e-mails), ETOOMANY.
func (t *Throttle) Failed(email, addr string) error {
	t.accounts.Add(email)
	t.addresses.Add(addr)
	if t.addresses.Blocked(addr) {
		return &attest.Error{Code: attest.ETOOMANY, Message: "too many failed sign-ins from this address: wait a few minutes and try again"}
	}
	return nil
}

// Succeeded forgets the account's failures: the right password was given.
func (t *Throttle) Succeeded(email string) { t.accounts.Reset(email) }

// backoff is how long a sign-in to an account waits after n recent
// failures: nothing for the first five, then doubling from a second up to
// ten seconds.
func backoff(n int) time.Duration {
	if n < 5 {
		return 0
	}
	return min(10*time.Second, time.Second<<min(n-5, 4))
}
