// Package gc finds, and on request removes, what interrupted writes leave
// in the blob store: blobs that no record refers to (bytes stored by a
// process killed before it recorded them) and staged files of writers that
// died while hashing. Neither is ever a half-record: blobs are written
// before the records that name them, so a crash can leave bytes without a
// record, never a record without bytes.
package gc

import (
	"context"
	"fmt"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
)

// DefaultGrace is how old an unreferenced blob must be before it counts as
// an orphan.
const DefaultGrace = 24 * time.Hour

// Records is what the collector reads of the store: the blob reference of
// every record that holds one.
type Records interface {
	ScanBlobRefs(ctx context.Context, fn func(attest.BlobHolder) error) error
}

// Blobs is what the collector needs of a blob store. Staged files are
// looked for when the store also implements blob.Staging.
type Blobs interface {
	blob.Lister
	Delete(r blob.Ref) error
}

// Options says when "now" is, how long unreferenced blobs are left alone,
// and whether to remove what is found.
type Options struct {
	Now    time.Time
	Grace  time.Duration
	Delete bool
}

// Group is a set of leftovers: how many, how many bytes, and each one.
type Group struct {
	Count int         `json:"count"`
	Bytes int64       `json:"bytes"`
	Items []blob.Info `json:"items"`
}

func (g *Group) add(i blob.Info) {
	g.Count++
	g.Bytes += i.Size
	g.Items = append(g.Items, i)
}

// Result is what a collection found (and, with Delete, removed).
type Result struct {
	Deleted bool   `json:"deleted"`
	Grace   string `json:"grace"`
	// StagedAge is how old a staged file must be to count as left behind.
	StagedAge string `json:"staged_age"`
	// Stored counts the blobs listed; Referenced those a record refers to.
	Referenced int `json:"referenced"`
	Stored     int `json:"stored"`
	// Young counts unreferenced blobs kept because they are younger than
	// the grace period (a write may be about to record them).
	Young   int   `json:"young"`
	Orphans Group `json:"orphans"`
	Staged  Group `json:"staged"`
}

// StagedAge is how old a staged file must be to count as left behind: an
// hour (blob.StaleAge), or the grace period when that is shorter.
func StagedAge(grace time.Duration) time.Duration {
	return min(grace, blob.StaleAge)
}

// Words says a duration as people do: "24 hours", "1 hour", "90 minutes";
// one that is not whole minutes as Go writes it.
func Words(d time.Duration) string {
	unit, n := "hour", d/time.Hour
	switch {
	case d == 0:
		return "0 seconds"
	case d%time.Minute != 0:
		return d.String()
	case d%time.Hour != 0:
		unit, n = "minute", d/time.Minute
	}
	return attest.Count(int64(n), unit, unit+"s")
}

// References returns every blob reference a record needs: evidence
// (retracted included; purged evidence no longer needs its bytes),
// populations, and documents of every kind (description inputs, drafts,
// issued reports, the trust center's shared documents). Check-run inputs
// and results and collections are evidence. Watermarked trust-center copies
// and working-papers exports are made on request and never stored.
func References(ctx context.Context, s Records) (map[blob.Ref]bool, error) {
	refs := map[blob.Ref]bool{}
	err := s.ScanBlobRefs(ctx, func(h attest.BlobHolder) error {
		if !h.Purged {
			refs[blob.Ref(h.Ref)] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read blob references: %w", err)
	}
	return refs, nil
}

// Collect finds orphan blobs (no record refers to them, and they are older
// than the grace period) and stale staged files, and removes them when
// opt.Delete is set.
//
// A write running at the same time stores its blobs before it records
// them, so a blob it stored after the references were read looks
// unreferenced here. The grace period is what protects it: its bytes were
// written moments ago, so it is younger than the grace period and kept. A
// write that finds its bytes already stored makes that blob young again
// (on the filesystem store), and each orphan's time is read once more just
// before it is removed. So a grace period shorter than the longest write
// (0s included) is safe only while nothing else writes.
func Collect(ctx context.Context, s Records, bs Blobs, opt Options) (*Result, error) {
	if opt.Grace < 0 {
		return nil, attest.Errorf(attest.EINVALID, "grace %s: want a duration of 0s or more", opt.Grace)
	}
	if opt.Now.IsZero() {
		return nil, attest.Errorf(attest.EINVALID, "garbage collection needs the current time")
	}
	res := &Result{Deleted: opt.Delete, Grace: opt.Grace.String(), StagedAge: StagedAge(opt.Grace).String(),
		Orphans: Group{Items: []blob.Info{}}, Staged: Group{Items: []blob.Info{}}}
	refs, err := References(ctx, s)
	if err != nil {
		return nil, err
	}
	cutoff := opt.Now.Add(-opt.Grace)
	var candidates []blob.Info
	err = bs.List(func(i blob.Info) error {
		res.Stored++
		switch {
		case refs[i.Ref]:
			res.Referenced++
		case i.ModTime.After(cutoff):
			res.Young++
		default:
			candidates = append(candidates, i)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list blobs: %w", err)
	}
	if err := collectOrphans(bs, candidates, cutoff, opt.Delete, res); err != nil {
		return nil, err
	}
	if st, ok := bs.(blob.Staging); ok {
		if err := collectStaged(st, opt.Now.Add(-StagedAge(opt.Grace)), opt.Delete, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// collectOrphans adds the candidates to the result, removing each when
// asked after reading its time again: a write may have just made it young.
func collectOrphans(bs Blobs, candidates []blob.Info, cutoff time.Time, del bool, res *Result) error {
	for _, c := range candidates {
		if !del {
			res.Orphans.add(c)
			continue
		}
		now, err := bs.Stat(c.Ref)
		if attest.ErrorCode(err) == attest.ENOTFOUND {
			continue // removed by someone else meanwhile
		}
		if err != nil {
			return fmt.Errorf("stat blob %s: %w", c.Ref, err)
		}
		if now.ModTime.After(cutoff) {
			res.Young++
			continue
		}
		if err := bs.Delete(c.Ref); err != nil {
			return fmt.Errorf("remove orphan blob %s: %w", c.Ref, err)
		}
		res.Orphans.add(now)
	}
	return nil
}

// collectStaged adds staged files last written before cutoff to the
// result, removing them when asked.
func collectStaged(st blob.Staging, cutoff time.Time, del bool, res *Result) error {
	files, err := st.StagedFiles()
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.ModTime.After(cutoff) {
			continue
		}
		if del {
			if err := st.RemoveStaged(f.Name); err != nil {
				return fmt.Errorf("remove staged file %s: %w", f.Name, err)
			}
		}
		res.Staged.add(f)
	}
	return nil
}
