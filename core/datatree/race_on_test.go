//go:build race

package datatree

// raceEnabled skips the million-node measurement under the race detector,
// where it would take minutes and measure the detector's shadow memory.
const raceEnabled = true
