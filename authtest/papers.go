package authtest

import (
	"context"
	"fmt"
	"slices"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auth"
	"github.com/attest-dev/attest/dashboard"
	"github.com/attest-dev/attest/engagement"
	"github.com/attest-dev/attest/fieldwork"
	"github.com/attest-dev/attest/integrity"
	"github.com/attest-dev/attest/ledger"
	"github.com/attest-dev/attest/population"
	"github.com/attest-dev/attest/report"
)

// papersCases are the reads of the examination's working papers: its
// populations, draws, tests, keys, report documents and the ledger.
// Management reads them all (a control owner and a viewer none: they
// follow the controls and their evidence, not the audit of them); an
// auditor, inside the window, those of the engagements they are named on.
// What reads across engagements (the fieldwork index, the reports, the
// ledger) answers the other auditor with their own engagement's.
var papersCases = []Case{
	{"read the engagement's tests", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, _, err := fieldwork.Tests(ctx, w.Store, a, sc, "e1", "")
			return err
		})
	}},
	{"read the engagement's draws", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.Draws(ctx, w.Store, sc, "e1", "")
			return err
		})
	}},
	{"read the engagement's populations", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := population.List(ctx, w.Store, sc, "e1", "")
			return err
		})
	}},
	{"read every population", management, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := population.List(ctx, w.Store, sc, "", "")
			return err
		})
	}},
	{"read a test", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.ReadTest(ctx, w.Store, a, sc, w.Test.ID)
			return err
		})
	}},
	{"read a control's fieldwork", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.ControlWork(ctx, w.Store, a, sc, "e1", "ax-01")
			return err
		})
	}},
	{"read the fieldwork's progress", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			e, err := w.Store.Engagement(ctx, "e1")
			if err == nil {
				_, err = fieldwork.Workspace(ctx, w.Store, sc, e)
			}
			return err
		})
	}},
	{"read the engagement's auditors", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.Auditors(ctx, w.Store, sc, "e1")
			return err
		})
	}},
	{"read the auditors' signing keys", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, _, err := fieldwork.Keys(ctx, w.Store, a, sc, "e1")
			return err
		})
	}},
	{"list the engagement's documents", papers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := report.ListDocuments(ctx, w.Store, sc, "e1", "")
			return err
		})
	}},
	{"read the fieldwork index", anyPapers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			open, _, err := fieldwork.Index(ctx, w.Store, sc, w.Env.Policy.Grace)
			for _, o := range open {
				if err == nil {
					err = w.mayRead(a, o.ID)
				}
			}
			return err
		})
	}},
	{"read the reports", anyPapers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			shelves, err := report.Shelves(ctx, w.Store, sc)
			for _, sh := range shelves {
				if err == nil {
					err = w.mayRead(a, sh.Engagement.ID)
				}
			}
			return err
		})
	}},
	{"read the ledger", anyPapers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			v, err := ledger.Read(ctx, w.Store, sc, "", 1000)
			if err != nil {
				return err
			}
			// Every draw, test and key in the world is e1's: the other
			// auditor sees none of them.
			for _, e := range v.Recent {
				if err == nil && slices.Contains([]string{attest.EntrySampleDrawn, attest.EntryTestRecorded, attest.EntryAuditorKeyEnrolled}, e.Type) {
					err = w.mayRead(a, "e1")
				}
			}
			return err
		})
	}},
	{"verify the ledger", anyPapers, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := integrity.CheckFor(ctx, sc, integrity.Input{Store: w.Store, Blobs: w.Blobs})
			return err
		})
	}},
}

// priorReads are the reads of e0, the period before e1 and e2: its
// results are read by management and by the auditors of the periods
// after it (deviations found in it change their sample sizes), who act on
// none of it and read nothing else of it.
var priorReads = []Case{
	{"read the prior period's results", append(management[:len(management):len(management)], "auditor-named", "auditor-other"), func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			if _, _, err := fieldwork.Tests(ctx, w.Store, a, sc, "e0", ""); err != nil {
				return err
			}
			if _, err := fieldwork.Draws(ctx, w.Store, sc, "e0", ""); err != nil {
				return err
			}
			if _, err := fieldwork.Auditors(ctx, w.Store, sc, "e0"); err != nil {
				return err
			}
			work, err := fieldwork.ControlWork(ctx, w.Store, a, sc, "e0", "AX-01")
			if err == nil && work.Acts != attest.Manages(a) {
				err = fmt.Errorf("the prior period's control page: acts %v", work.Acts)
			}
			return err
		})
	}},
	{"read the prior period's requests", append(staff[:len(staff):len(staff)], attest.RoleViewer), func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.Requests(ctx, w.Store, sc, "e0", "", "2026-11-01")
			return err
		})
	}},
}

// engagementReads are the reads of an engagement every one of the staff
// makes, and its auditors inside the window: its controls and requests.
var engagementReads = []Case{
	{"read the engagement's controls", readsEngagement, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, _, err := engagement.FindControls(ctx, w.Store, sc, "e1", engagement.ControlFilter{})
			return err
		})
	}},
	{"read the engagement's requests", readsEngagement, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.Requests(ctx, w.Store, sc, "e1", "", "2026-11-01")
			return err
		})
	}},
	{"read a control with its occurrences and evidence", readsEngagement, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := dashboard.ReadControl(ctx, w.Store, sc, "e1", "CX-01", w.Env.Policy.Now)
			return err
		})
	}},
	{"read a request with its thread", readsEngagement, func(ctx context.Context, w *World, a *attest.User) error {
		return w.reading(ctx, a, func(sc *auth.Scope) error {
			_, err := fieldwork.ReadRequest(ctx, w.Store, sc, w.Request, "2026-11-01")
			return err
		})
	}},
}

var (
	readsEngagement = append(staff[:len(staff):len(staff)], attest.RoleViewer, "auditor-named")
	papers          = append(management[:len(management):len(management)], "auditor-named")
	anyPapers       = append(papers[:len(papers):len(papers)], "auditor-other")
)

// mayRead is nil when a read that spans engagements may show actor
// engagement id: the other auditor only e2, the one they are named on.
func (w *World) mayRead(a *attest.User, id string) error {
	if a != nil && a.ID == w.Users["auditor-other"].ID && id != "e2" {
		return fmt.Errorf("the auditor of e2 is shown engagement %s", id)
	}
	return nil
}

// reading runs a read with actor's scope as the access policy has it now.
func (w *World) reading(ctx context.Context, a *attest.User, read func(*auth.Scope) error) error {
	sc, err := w.Env.Policy.Scope(ctx, a)
	if err != nil {
		return err
	}
	return read(sc)
}
