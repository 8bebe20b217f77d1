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
	if !p.m.Interactive || p.m.cfg.json {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	pct := 100.0
	if total > 0 {
		pct = float64(done) * 100 / float64(total)
	}
	fmt.Fprintf(p.m.Stderr, "\r%s: %s of %s (%.0f%%)   ", p.label, humanBytes(done), humanBytes(total), pct)
	p.shown = true
}

func (p *progressBar) count(done, total int) {
	if !p.m.Interactive || p.m.cfg.json {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.m.Stderr, "\r%s: %d of %d   ", p.label, done, total)
	p.shown = true
}

func (p *progressBar) done() {
	if p.shown {
		fmt.Fprintln(p.m.Stderr)
	}
}
