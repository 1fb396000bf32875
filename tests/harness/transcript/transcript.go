package transcript

import (
	"fmt"
	"strings"
)

// Transcript is an ordered record of "step: op args -> outcome" lines.
type Transcript struct {
	N     *Normalizer
	lines []string
}

// New starts an empty transcript with a fresh Normalizer.
func New() *Transcript { return &Transcript{N: NewNormalizer()} }

// Add records one operation: what was asked (op and args) and what came
// back (an error code name, "OK", or a result).
func (t *Transcript) Add(op, args, outcome string) {
	t.lines = append(t.lines, fmt.Sprintf("%s %s -> %s", op, args, outcome))
}

// Note records a free-form line, e.g. a section header or an observation.
func (t *Transcript) Note(format string, args ...any) {
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
}

// Len is the number of recorded lines.
func (t *Transcript) Len() int { return len(t.lines) }

// String is the transcript, one line per entry. Lines are not numbered: a
// server that adds or loses a line should show up as one line in a diff, not
// as every line after it.
func (t *Transcript) String() string {
	if len(t.lines) == 0 {
		return ""
	}
	return strings.Join(t.lines, "\n") + "\n"
}
