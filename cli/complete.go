package cli

import (
	"context"
	"strings"
	"time"

	"golang.org/x/term"
)

// completion is what Tab offers for the text before the cursor: the
// candidates for the word being typed, which starts at start.
type completion struct {
	candidates []string
	start      int
}

// complete follows zkCli's JLineZNodeCompleter: a word starting with "/"
// completes to the children of its parent znode that start with its last
// component; the first word completes to command names. children lists a
// znode's children (nil when it cannot).
func complete(buffer string, commands []string, children func(dir string) []string) completion {
	token := ""
	if !strings.HasSuffix(buffer, " ") {
		if i := strings.LastIndexByte(buffer, ' '); i >= 0 {
			token = buffer[i+1:]
		} else {
			token = buffer
		}
	}
	start := len(buffer) - len(token)
	if strings.HasPrefix(token, "/") {
		idx := strings.LastIndexByte(token, '/') + 1
		prefix := token[idx:]
		dir := "/"
		if idx > 1 {
			dir = token[:idx-1]
		}
		var cands []string
		for _, c := range children(dir) {
			if strings.HasPrefix(c, prefix) {
				cands = append(cands, c)
			}
		}
		sortJava(cands)
		return completion{candidates: cands, start: start + idx}
	}
	if strings.TrimSpace(buffer[:start]) != "" {
		return completion{start: start} // only the command word completes to commands
	}
	var cands []string
	for _, c := range commands {
		if strings.HasPrefix(c, token) {
			cands = append(cands, c)
		}
	}
	return completion{candidates: cands, start: start}
}

// commonPrefix is the longest prefix shared by every candidate.
func commonPrefix(cands []string) string {
	if len(cands) == 0 {
		return ""
	}
	p := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(c, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// columns lays candidates out in rows of at most width characters, as a
// line editor lists ambiguous completions.
func columns(cands []string, width int) string {
	w := 0
	for _, c := range cands {
		w = max(w, len(c))
	}
	w += 2
	perRow := max(1, width/w)
	var b strings.Builder
	for i, c := range cands {
		b.WriteString(c)
		if (i+1)%perRow == 0 || i == len(cands)-1 {
			b.WriteString("\n")
		} else {
			b.WriteString(strings.Repeat(" ", w-len(c)))
		}
	}
	return b.String()
}

// completionChildren lists a znode's children for completion, briefly
// bounded so that Tab never hangs on a lost connection.
func (s *Shell) completionChildren(dir string) []string {
	s.mu.Lock()
	zk := s.zk
	s.mu.Unlock()
	if zk == nil || !zk.State().IsConnected() {
		return nil
	}
	c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	kids, err := zk.GetChildren(c, dir, false)
	if err != nil {
		return nil
	}
	return kids
}

// autoComplete is the terminal's Tab handler: one candidate (or a longer
// common prefix) is filled in; otherwise the candidates are listed under
// the line, which is then redrawn.
func (s *Shell) autoComplete(t *term.Terminal, width func() int) func(string, int, rune) (string, int, bool) {
	return func(line string, pos int, key rune) (string, int, bool) {
		if key != '\t' {
			return "", 0, false
		}
		comp := complete(line[:pos], commandNames(), s.completionChildren)
		if len(comp.candidates) == 0 {
			return "", 0, false
		}
		typed := line[comp.start:pos]
		common := commonPrefix(comp.candidates)
		if len(comp.candidates) == 1 || len(common) > len(typed) {
			return line[:comp.start] + common + line[pos:], comp.start + len(common), true
		}
		t.Write([]byte(s.prompt() + line + "\n" + columns(comp.candidates, width())))
		return line, pos, true
	}
}
