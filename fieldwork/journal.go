package fieldwork

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/auditsig"
)

// JournalEntry is one line of the auditor's journal: a statement they
// signed and the organization accepted, kept on the auditor's machine.
type JournalEntry struct {
	Statement string `json:"statement"`
	Signature string `json:"signature"`
}

// JournalPath is where the journal of the key file keyFile is kept:
// beside it.
func JournalPath(keyFile string) string { return keyFile + ".journal" }

// ReadJournal reads the auditor's journal at path, one JSON line per
// statement (blank lines skipped); a journal not yet made is empty. A bad
// line is named by path and line number.
func ReadJournal(path string) ([]JournalEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []JournalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var j JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// AppendJournal appends a signed statement the organization accepted to
// the journal at path (made, readable by its owner only, when new), and
// syncs it: the journal is the auditor's record, kept before they act
// again.
func AppendJournal(path string, st *attest.Statement) error {
	line, _ := json.Marshal(JournalEntry{Statement: st.Body, Signature: st.Signature})
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// JournalStore is what comparing a journal with the organization's copy
// reads.
type JournalStore interface {
	AuditStore
	Engagements(ctx context.Context) ([]attest.Engagement, error)
}

// JournalReport is attest auditor verify's result.
type JournalReport struct {
	Key      string   `json:"key"`
	Journal  int      `json:"journal"`
	Matched  int      `json:"matched"`
	Problems []string `json:"problems"`
	// OtherKeys are keys enrolled for the auditor's team mates: not
	// problems in themselves, for the firm to compare with its record.
	OtherKeys []string `json:"other_keys"`
}

// CompareJournal is attest auditor verify: the organization's copy of the
// statements under the auditor's key (pub) against the auditor's own
// journal. Every journal statement must be there unchanged; any other
// statement under the key, any other key enrolled for the same account,
// and any result recorded as the auditor's without a valid signature is
// a problem. Keys of other members of the team are listed apart.
func CompareJournal(ctx context.Context, s JournalStore, pub ed25519.PublicKey, js []JournalEntry) (*JournalReport, error) {
	fp := auditsig.Fingerprint(pub)
	rep := &JournalReport{Key: fp, Journal: len(js), Problems: []string{}, OtherKeys: []string{}}
	mine := map[string]bool{}
	engs := map[string]bool{}
	for _, j := range js {
		mine[auditsig.Hash(j.Statement)] = true
		if b, err := auditsig.Decode(j.Statement); err == nil {
			engs[b.Engagement] = true
		}
	}
	all, err := s.Engagements(ctx)
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for _, e := range all {
		keys, err := s.AuditorKeys(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		sts, err := s.Statements(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		for _, st := range sts {
			if st.Key != fp {
				continue
			}
			if !mine[auditsig.Hash(st.Body)] {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: statement %d under your key is not in your journal (%s)", e.ID, st.Seq, st.Kind))
				continue
			}
			if auditsig.Check(pub, st.Body, st.Signature) != nil {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: statement %d's stored signature is not yours", e.ID, st.Seq))
				continue
			}
			found[auditsig.Hash(st.Body)] = true
		}
		a, err := Check(ctx, s, e.ID)
		if err != nil {
			return nil, err
		}
		var me int64
		for _, k := range keys {
			if k.Fingerprint == fp {
				me = k.UserID
			}
		}
		if me == 0 && !engs[e.ID] {
			continue
		}
		for _, k := range keys {
			if k.Fingerprint == fp {
				continue
			}
			n := 0
			for _, ks := range a.Keys {
				if ks.Fingerprint == k.Fingerprint {
					n = ks.Statements
				}
			}
			if k.UserID == me {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: key %s is enrolled for you (%s) but is not this key (%d statements under it count as yours): if it is not another key of yours, it was not enrolled by you", e.ID, k.Fingerprint, k.Name, n))
			} else {
				rep.OtherKeys = append(rep.OtherKeys, fmt.Sprintf("%s: %s's key %s (%d statements): check it against your firm's record of its team", e.ID, k.Name, k.Fingerprint, n))
			}
		}
		for _, p := range a.Problems {
			if p.Kind == ProblemUnsigned || p.Kind == ProblemMismatch {
				rep.Problems = append(rep.Problems, e.ID+": "+p.Detail)
			}
		}
	}
	for _, j := range js {
		h := auditsig.Hash(j.Statement)
		if found[h] {
			rep.Matched++
			continue
		}
		b, _ := auditsig.Decode(j.Statement)
		rep.Problems = append(rep.Problems, fmt.Sprintf("%s: your statement %d (%s) is missing from the organization's copy: withheld or deleted", b.Engagement, b.Seq, b.Kind))
	}
	return rep, nil
}

// Continues refuses to sign b unless it continues the auditor's own
// record of the engagement: b must be the statement after the last one
// the journal holds for b's engagement, chained to it. An organization
// that offers anything else has a chain the auditor did not sign; where
// names the journal, for the message.
func Continues(js []JournalEntry, b auditsig.Body, where string) error {
	var seq int64
	hash := ""
	for _, j := range js {
		d, err := auditsig.Decode(j.Statement)
		if err == nil && d.Engagement == b.Engagement && d.Seq > seq {
			seq, hash = d.Seq, auditsig.Hash(j.Statement)
		}
	}
	if b.Seq == seq+1 && b.Prev == hash {
		return nil
	}
	return &attest.Error{Code: attest.ECONFLICT, Message: fmt.Sprintf("the organization's chain for your key on %s does not continue your own record (%s): yours ends at statement %d, the server offers statement %d after %.12s",
		b.Engagement, where, seq, b.Seq, b.Prev), Hint: "run attest auditor verify --auditor-key FILE to see what differs; sign nothing until it is explained"}
}
