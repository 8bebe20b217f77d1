package main

import (
	"fmt"
	"sync"
	"time"
)

// progressBar reports long work on a terminal, at most a few times a
// second; it is silent for scripts and under --json.
type progressBar struct {
	m     *Main
	label string
	mu    sync.Mutex
	last  time.Time
	shown bool
}

func (m *Main) progressBar(label string) *progressBar {
	return &progressBar{m: m, label: label}
}

func (p *progressBar) update(done, total int64) {
	p.show(done < total, func() string {
		pct := 100.0
		if total > 0 {
			pct = float64(done) * 100 / float64(total)
		}
		return fmt.Sprintf("%s of %s (%.0f%%)", humanBytes(done), humanBytes(total), pct)
	})
}

func (p *progressBar) count(done, total int) {
	p.show(done < total, func() string { return fmt.Sprintf("%d of %d", done, total) })
}

// show redraws the bar with what line says, for a person at a terminal
// only, and at most every 200ms until the work is finished.
func (p *progressBar) show(unfinished bool, line func() string) {
	if !p.m.Interactive || p.m.cfg.json {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond && unfinished {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.m.Stderr, "\r%s: %s   ", p.label, line())
	p.shown = true
}

func (p *progressBar) done() {
	if p.shown {
		fmt.Fprintln(p.m.Stderr)
	}
}
