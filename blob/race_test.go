//go:build race

package blob

// raceDetector: under the race detector sync.Pool drops a share of what
// is put back, at random, so a pool's reuse cannot be measured.
const raceDetector = true
