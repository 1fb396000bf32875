package cli

import "strings"

// lineHistory is the line editor's recall list (up/down arrows): blank
// lines and immediate repeats are not recorded, and it keeps the last 500
// lines. It is separate from the shell's numbered `history`, which, as in
// zkCli, records every command under its number.
type lineHistory struct {
	lines []string // oldest first
	max   int
}

func newLineHistory(max int) *lineHistory { return &lineHistory{max: max} }

// Add records a line the user entered.
func (h *lineHistory) Add(line string) {
	if strings.TrimSpace(line) == "" || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == line) {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > h.max {
		h.lines = h.lines[len(h.lines)-h.max:]
	}
}

// Len is the number of recorded lines.
func (h *lineHistory) Len() int { return len(h.lines) }

// At returns the idx-th most recent line (0 is the last one).
func (h *lineHistory) At(idx int) string { return h.lines[len(h.lines)-1-idx] }
