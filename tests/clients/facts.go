package clients

import (
	"strings"
	"testing"
)

// checkFacts requires every fact (an exact line, or a line prefix ending in
// "…") in a transcript, so that a comparison cannot pass on two equally
// wrong servers, nor on a scenario that silently stopped early.
func checkFacts(t *testing.T, server, out string, facts []string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for _, f := range facts {
		prefix, isPrefix := strings.CutSuffix(f, "…")
		found := false
		for _, l := range lines {
			if l == f || (isPrefix && strings.HasPrefix(l, prefix)) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: transcript lacks %q", server, f)
		}
	}
}
