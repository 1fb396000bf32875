package harness

import (
	"sync"
	"syscall"
)

// Pause stops server id's process (SIGSTOP), as a long GC pause or a
// starved machine would: its sockets stay open but nothing is read or
// answered. It returns the function that resumes it (SIGCONT), which the
// test's cleanup also calls.
func (e *Ensemble) Pause(id int) (resume func()) {
	e.t.Helper()
	m := e.member(id)
	m.mu.Lock()
	r := m.cur
	m.mu.Unlock()
	if r == nil {
		e.t.Fatalf("harness: server %d is not running", id)
	}
	if err := r.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		e.t.Fatalf("harness: pausing server %d: %v", id, err)
	}
	var once sync.Once
	resume = func() { once.Do(func() { _ = r.cmd.Process.Signal(syscall.SIGCONT) }) }
	e.t.Cleanup(resume)
	return resume
}
