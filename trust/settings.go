package trust

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/attest-dev/attest"
)

// Settings the trust center reads (attest settings table).
const (
	// SettingAutoDomains: e-mail domains whose confirmed requests are
	// approved without an admin (comma-separated), where the report's
	// audience rule allows the requester.
	SettingAutoDomains = "trust.auto_approve_domains"
	// SettingLinkDays: how long a personal link lasts (default 14).
	SettingLinkDays = "trust.link_days"
	// SettingNDAKinds: the report kinds shared only after the NDA is
	// accepted (default DefaultNDAKinds; "none" for none).
	SettingNDAKinds = "trust.nda_kinds"
)

// DefaultNDAKinds is the NDA setting when none is saved: the NDA is the
// organization's own practice (DOMAIN.md section 1), on by default for the
// restricted reports.
const DefaultNDAKinds = "SOC 1,SOC 2"

// NDAKinds are the report kinds that may be shared under the NDA: a SOC 3
// is for anyone.
var NDAKinds = []attest.Kind{attest.SOC1, attest.SOC2}

const defaultLinkDays = 14

// SettingReader reads a setting.
type SettingReader interface {
	Setting(ctx context.Context, key string) (string, error)
}

// setting is a setting's value, or def when it is unset, blank or cannot
// be read.
func setting(ctx context.Context, s SettingReader, key, def string) string {
	v, err := s.Setting(ctx, key)
	if err != nil || strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

// Settings are the trust center's settings as they apply.
type Settings struct {
	// AutoDomains are the e-mail domains approved in advance, in lower
	// case.
	AutoDomains []string
	// LinkDays is how many days a personal link lasts.
	LinkDays int
	// NDAKinds is the comma-separated list of report kinds shared only
	// under the NDA, as saved ("none" for none).
	NDAKinds string
}

// UnderNDA reports whether reports of kind k are shared only under the NDA.
func (s Settings) UnderNDA(k attest.Kind) bool { return listed(s.NDAKinds, string(k)) }

// ReadSettings reads the settings, with their defaults where a value is
// unset or out of range.
func ReadSettings(ctx context.Context, s SettingReader) Settings {
	out := Settings{LinkDays: defaultLinkDays, NDAKinds: setting(ctx, s, SettingNDAKinds, DefaultNDAKinds)}
	if n, err := strconv.Atoi(setting(ctx, s, SettingLinkDays, "")); err == nil && n >= 1 && n <= 365 {
		out.LinkDays = n
	}
	for _, d := range strings.Split(setting(ctx, s, SettingAutoDomains, ""), ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out.AutoDomains = append(out.AutoDomains, d)
		}
	}
	return out
}

// SettingsChange is the settings as an administrator submits them.
type SettingsChange struct {
	// AutoDomains is a comma-separated list of e-mail domains.
	AutoDomains string
	// LinkDays is the personal links' lifetime, 1 to 365 days.
	LinkDays int
	// NDA lists the kinds shared only under the NDA (of NDAKinds).
	NDA []attest.Kind
}

// SettingsStore reads and writes settings.
type SettingsStore interface {
	SettingReader
	RecordSetting(ctx context.Context, ch attest.Change, key, value string) error
}

var domainRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)
})

// SaveSettings checks and saves the settings, each change a ledger entry;
// only an administrator (or the local operator) changes them. Nothing is
// saved when a field is bad.
func SaveSettings(ctx context.Context, s SettingsStore, ch attest.Change, actor *attest.User, in SettingsChange) (*Settings, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	var domains []string
	for _, d := range strings.Split(in.AutoDomains, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !domainRE().MatchString(d) {
			return nil, invalid(fmt.Sprintf("auto_domains: %q is not a domain name like customer.example", d))
		}
		domains = append(domains, d)
	}
	if in.LinkDays < 1 || in.LinkDays > 365 {
		return nil, invalid("link_days: give a number of days from 1 to 365")
	}
	var kinds []string
	for _, k := range NDAKinds {
		if slices.Contains(in.NDA, k) {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) == 0 {
		kinds = []string{"none"}
	}
	out := &Settings{AutoDomains: domains, LinkDays: in.LinkDays, NDAKinds: strings.Join(kinds, ",")}
	for k, v := range map[string]string{SettingAutoDomains: strings.Join(domains, ","), SettingLinkDays: strconv.Itoa(in.LinkDays), SettingNDAKinds: out.NDAKinds} {
		if err := s.RecordSetting(ctx, ch, k, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NDAStore keeps the NDA's versions.
type NDAStore interface {
	SaveNDA(ctx context.Context, ch attest.Change, text string) (*attest.NDA, error)
}

// maxNDA bounds the NDA's text.
const maxNDA = 256 << 10

// PublishNDA records a new version of the NDA, its text kept exactly as
// given but for Windows line ends; only an administrator (or the local
// operator) publishes it.
func PublishNDA(ctx context.Context, s NDAStore, ch attest.Change, actor *attest.User, text string) (*attest.NDA, error) {
	if err := mayAdminister(actor); err != nil {
		return nil, err
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if len(text) > maxNDA {
		return nil, invalid("text: the NDA may be at most 256 KiB")
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalid("text: the NDA text is empty")
	}
	return s.SaveNDA(ctx, ch, text)
}
