package quorum

import "fmt"

// Error is a quorum configuration that cannot work (Apache's
// ConfigException from the verifier constructors).
type Error struct{ msg string }

func (e *Error) Error() string { return "quorum: " + e.msg }

func errorf(format string, args ...any) error {
	return &Error{msg: fmt.Sprintf(format, args...)}
}
