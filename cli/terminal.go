package cli

import (
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"
)

// runTerminal is the interactive shell on a terminal. Line editing,
// history recall and Tab come from golang.org/x/term's Terminal (pure Go,
// no cgo, from the Go project; the alternatives, liner and readline, are
// larger third-party modules). Its decisive property: a Write while
// ReadLine waits clears the prompt line, prints, and redraws the prompt
// and the half-typed line, so a watch event arriving while the user types
// is printed cleanly above the prompt, which shows the session's new
// state. Everything the shell prints goes through the Terminal, which
// turns "\n" into "\r\n" for the raw-mode terminal.
func runTerminal(sh *Shell, o Options, stdin, stdout *os.File, stderrIsTerm bool) int {
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{&keyReader{r: stdin}, stdout}, "")
	t.History = newLineHistory(500)
	var width atomic.Int64
	width.Store(80)
	resize := func() {
		if w, h, err := term.GetSize(int(stdout.Fd())); err == nil {
			t.SetSize(w, h)
			width.Store(int64(w))
		}
	}
	resize()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			resize()
		}
	}()

	sh.out = t
	if stderrIsTerm {
		sh.err = t
	}
	sh.stateChanged = func() { t.SetPrompt(sh.prompt()) }
	t.AutoCompleteCallback = sh.autoComplete(t, func() int { return int(width.Load()) })
	// The terminal is the shell's output before any session can print.
	if !sh.greetAndConnect(o, "JLine support is enabled") {
		return 1
	}

	fd := int(stdin.Fd())
	saved, err := term.MakeRaw(fd)
	if err != nil {
		io.WriteString(os.Stderr, "corral cli: "+err.Error()+"\n")
		return 1
	}
	defer term.Restore(fd, saved)
	for {
		t.SetPrompt(sh.prompt())
		line, err := t.ReadLine()
		if err == term.ErrPasteIndicator {
			err = nil
		}
		if err != nil { // io.EOF: ^D on an empty line, or ^C
			io.WriteString(t, "\n")
			break
		}
		sh.executeLine(line)
		if sh.quit {
			break
		}
	}
	sh.shutdown()
	return sh.exitCode
}
