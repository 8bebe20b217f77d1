//go:build !race

package blob

const raceDetector = false
