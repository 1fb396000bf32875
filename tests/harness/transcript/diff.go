package transcript

import (
	"fmt"
	"strings"
)

// diffContext is how many equal lines are shown around each change.
const diffContext = 3

// Diff returns a line diff of a and b ("-" only in a, "+" only in b) with a
// few lines of context, or "" when they are equal. It is a plain
// longest-common-subsequence diff: transcripts are a few hundred lines.
func Diff(a, b string) string {
	if a == b {
		return ""
	}
	x, y := splitLines(a), splitLines(b)
	// lcs[i][j] = length of the LCS of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		tag  byte
		text string
	}
	var ops []line
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, line{' ', x[i]})
			i++
			j++
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, line{'-', x[i]}) // removals first, as diff(1) shows them
			i++
		default:
			ops = append(ops, line{'+', y[j]})
			j++
		}
	}
	// Keep changed lines and diffContext equal lines around them.
	keep := make([]bool, len(ops))
	for k, op := range ops {
		if op.tag == ' ' {
			continue
		}
		for c := max(0, k-diffContext); c <= min(len(ops)-1, k+diffContext); c++ {
			keep[c] = true
		}
	}
	var out strings.Builder
	skipped := false
	for k, op := range ops {
		if !keep[k] {
			skipped = true
			continue
		}
		if skipped {
			out.WriteString("...\n")
			skipped = false
		}
		fmt.Fprintf(&out, "%c %s\n", op.tag, op.text)
	}
	if skipped {
		out.WriteString("...\n")
	}
	return out.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
