package config

import "fmt"

// Error is a configuration problem. It names the file and, when the problem
// is about one setting, the key and the rejected value, so an operator can
// find the line to fix: `zoo.cfg: tickTime: "abc" is not a number`.
type Error struct {
	// File is the configuration file (or myid, or dynamic file) at fault.
	File string
	// Key is the setting at fault, empty for whole-file problems.
	Key string
	// Msg says what is wrong, quoting the value when there is one.
	Msg string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Key + ": " + e.Msg
}

func errorf(file, key, format string, args ...any) *Error {
	return &Error{File: file, Key: key, Msg: fmt.Sprintf(format, args...)}
}
