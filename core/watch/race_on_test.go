//go:build race

package watch

// raceEnabled skips the million-watch measurements under the race
// detector, which would measure its own shadow memory.
const raceEnabled = true
