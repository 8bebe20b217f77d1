package report

import "github.com/attest-dev/attest"

// Asked is a draft as an adapter receives it, in words: the kind and
// type (empty: the engagement's own, as Choose settles) and the formats
// (each a name or a comma-separated list; none named: DefaultFormats).
type Asked struct {
	Kind, Type string
	Formats    []string
}

// Request reads what a draft asks for into the request Draft takes, each
// refusal EINVALID naming its field (kind, type, formats); the caller
// adds the engagement, the time and how the files are printed and kept.
// Whether the engagement can give the kind is Draft's to check, once the
// engagement is known.
func (a Asked) Request() (DraftRequest, error) {
	var req DraftRequest
	var err error
	if a.Kind != "" {
		if req.Kind, err = attest.ParseKind(a.Kind); err != nil {
			return req, invalid("kind", "%s", attest.ErrorMessage(err))
		}
	}
	if a.Type != "" {
		if req.Type, err = attest.ParseReportType(a.Type); err != nil {
			return req, invalid("type", "%s", attest.ErrorMessage(err))
		}
	}
	if req.Formats, err = FormatsOr(a.Formats); err != nil {
		return req, invalid("formats", "%s", attest.ErrorMessage(err))
	}
	return req, nil
}

// check refuses a request whose engagement cannot give the report asked
// for (Choose), naming the field kind, and then a rendering Render
// would refuse, before anything is read.
func (req DraftRequest) check() error {
	if _, _, err := Choose(req.Engagement, req.Kind, req.Type); err != nil {
		return invalid("kind", "%s", attest.ErrorMessage(err))
	}
	return req.Rendering.check()
}
