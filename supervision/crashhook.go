package supervision

import "sync"

// CrashHooks lets tests crash a named actor on purpose: the next message that
// actor handles panics. They are off in production: a server gets a
// CrashHooks only from an in-process test (server.Options.Hooks) or when the
// binary is started with --test-hooks, and a nil *CrashHooks never panics.
// Even then nothing happens until a test arms a crash. The crash is a panic
// in the actor's handler, so it goes through the actor's real supervision:
// its trace shows the crash, the supervisor's decision and the restart
// (tests/trace/crash_test.go).
type CrashHooks struct {
	mu    sync.Mutex
	armed map[string]int
}

// Arm makes the next n messages of the named actor kind panic.
func (h *CrashHooks) Arm(name string, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.armed == nil {
		h.armed = map[string]int{}
	}
	h.armed[name] += n
}

// Check panics if a crash is armed for name. Call it at the top of a handler,
// before any state is touched.
func (h *CrashHooks) Check(name string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	n := h.armed[name]
	if n > 0 {
		h.armed[name] = n - 1
	}
	h.mu.Unlock()
	if n > 0 {
		panic("injected crash in " + name + " (test hook)")
	}
}

// Pending is how many armed crashes of name have not fired yet.
func (h *CrashHooks) Pending(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.armed[name]
}
