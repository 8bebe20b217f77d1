package ack

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/evidence"
)

// Controls are the library's controls the acknowledgements are evidence
// for when the caller names none: new-hire acknowledgements (HR-02) and
// the yearly re-acknowledgement (HR-03), those an engagement has.
var Controls = []string{"HR-02", "HR-03"}

// WriteCSV writes the status one row per person and policy asked of them.
func WriteCSV(w io.Writer, st *Status) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"person_id", "email", "policy", "version_in_force", "state", "acknowledged_version", "due", "overdue"})
	for _, ps := range st.People {
		for _, it := range ps.Items {
			cw.Write([]string{strconv.FormatInt(it.Person, 10), it.Email, it.Policy, strconv.Itoa(it.Version), it.State, strconv.Itoa(it.Acked), it.Due, strconv.FormatBool(it.Overdue)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// Stager stages bytes for evidence.
type Stager interface {
	evidence.Blobs
	Stage(r io.Reader) (*blob.Pending, error)
}

// RecordEvidence keeps the status on day as CSV evidence for controls
// (default Controls, those an engagement has), covering that day: what
// the auditor inspects for the acknowledgement controls. Management
// only, through the evidence workflow.
func RecordEvidence(ctx context.Context, s Store, es evidence.Store, bs Stager, ch attest.Change, actor *attest.User, day string, controls []string) (*attest.Evidence, *Status, error) {
	if !attest.Manages(actor) {
		return nil, nil, forbidden("only management records the acknowledgements as evidence")
	}
	st, err := Load(ctx, s, day, Filter{})
	if err != nil {
		return nil, nil, err
	}
	if len(controls) == 0 {
		if controls, err = evidence.Present(ctx, es, Controls); err != nil {
			return nil, nil, err
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, st); err != nil {
		return nil, nil, err
	}
	p, err := bs.Stage(&b)
	if err != nil {
		return nil, nil, err
	}
	added, err := evidence.Add(ctx, es, bs, ch, actor, evidence.AddRequest{Controls: controls, Covers: day, PerformedOn: day,
		Items:  []evidence.Item{{Pending: p, Name: "policy-acknowledgements-" + day + ".csv", MediaType: "text/csv"}},
		Source: "attest ack status", Note: fmt.Sprintf("%d of %d acknowledgements asked are of the version in force; %d outstanding, %d re-acknowledgements due, %d overdue", st.Total.Acknowledged, st.Total.Asked, st.Total.Outstanding, st.Total.Outdated, st.Total.Overdue)})
	if err != nil {
		return nil, nil, err
	}
	return &added.Evidence[0], st, nil
}
