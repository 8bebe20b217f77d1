package population

import (
	"io"
	"sync"
	"time"

	"github.com/attest-dev/attest"
	"github.com/attest-dev/attest/blob"
	"github.com/attest-dev/attest/sample"
)

// stats are what one pass over a population file counts.
type stats struct {
	rows        int
	first, last string
}

// stage streams the file once into a staged blob while parsing it, and
// reads it a second time only if some key may repeat. On any error the
// staged bytes are dropped.
func stage(bs Stager, f io.ReadSeeker, spec sample.Spec) (_ *blob.Pending, st stats, err error) {
	pr, pw := io.Pipe()
	type staged struct {
		p   *blob.Pending
		err error
	}
	done := make(chan staged, 1)
	go func() {
		p, err := bs.Stage(pr)
		pr.CloseWithError(err)
		done <- staged{p, err}
	}()
	// The parser hands each block it reads to the hashing goroutine through
	// a queue, so parsing and hashing run on two cores at once.
	qw := newQueueWriter(pw, 8)
	dups := sample.NewDupFinder()
	var firstDate, lastDate time.Time
	first := spec
	first.BytesOnly = true
	scanErr := sample.Scan(io.TeeReader(f, qw), first, func(r sample.Row) error {
		st.rows++
		dups.First(r.KeyBytes)
		if !r.Date.IsZero() {
			if firstDate.IsZero() || r.Date.Before(firstDate) {
				firstDate = r.Date
			}
			if r.Date.After(lastDate) {
				lastDate = r.Date
			}
		}
		return nil
	})
	if scanErr == nil {
		_, scanErr = io.Copy(qw, f) // whatever the parser did not need, for the hash
	}
	if err := qw.Close(); scanErr == nil {
		scanErr = err
	}
	pw.CloseWithError(scanErr)
	res := <-done
	defer func() {
		if err != nil {
			bs.Abort([]*blob.Pending{res.p})
		}
	}()
	if !firstDate.IsZero() {
		st.first, st.last = firstDate.Format(attest.DateLayout), lastDate.Format(attest.DateLayout)
	}
	if scanErr != nil {
		return nil, st, scanErr
	}
	if res.err != nil {
		return nil, st, res.err
	}
	need, err := dups.Finish()
	if err != nil {
		return nil, st, err
	}
	if need {
		if err := repeats(f, first, dups); err != nil {
			return nil, st, err
		}
	}
	return res.p, st, nil
}

// repeats is the second pass: it names the first key that repeats, with
// the line it repeats.
func repeats(f io.ReadSeeker, spec sample.Spec, dups *sample.DupFinder) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return sample.Scan(f, spec, func(r sample.Row) error {
		if line := dups.Second(r.KeyBytes, r.Line); line != 0 {
			return attest.Errorf(attest.EINVALID, "%s: line %d: key %q repeats line %d: every item needs its own key", spec.Name, r.Line, r.KeyBytes, line)
		}
		return nil
	})
}

// queueWriter copies what is written to it into a queue of blocks that a
// goroutine writes on to w, so the writer does not wait for w's reader.
type queueWriter struct {
	q    chan []byte
	done chan error
}

func newQueueWriter(w io.Writer, depth int) *queueWriter {
	qw := &queueWriter{q: make(chan []byte, depth), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range qw.q {
			if err == nil {
				_, err = w.Write(b)
			}
			queueBufs.Put(&b)
		}
		qw.done <- err
	}()
	return qw
}

func (qw *queueWriter) Write(p []byte) (int, error) {
	b := queueBufs.Get().(*[]byte)
	*b = append((*b)[:0], p...)
	qw.q <- *b
	return len(p), nil
}

// queueBufs recycles the queue's blocks: a population is copied through it
// block by block, and fresh ones for each would keep the collector busy.
var queueBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// Close waits until every block is written and returns the first error.
func (qw *queueWriter) Close() error {
	close(qw.q)
	return <-qw.done
}
