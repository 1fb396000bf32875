package cli

import (
	"errors"
	"strconv"

	"github.com/corral-zk/corral/client"
	"github.com/corral-zk/corral/wire"
)

// cliError is zkCli's CliException: the message printed on stderr and the
// exit code one-shot mode ends with (1; 127 for an unknown command).
type cliError struct {
	msg  string
	code int
}

func (e *cliError) Error() string { return e.msg }

func malformed(msg string) *cliError { return &cliError{msg: msg, code: 1} }

// wrap turns an operation's error into zkCli's message
// (CliWrapperException): short texts for the common KeeperExceptions,
// Apache's own message for the rest and for rejected arguments.
func wrap(err error) *cliError {
	var ce *cliError
	if errors.As(err, &ce) {
		return ce
	}
	var ke *client.Error
	if !errors.As(err, &ke) {
		return &cliError{msg: err.Error(), code: 1}
	}
	path := ke.Path
	if path == "" {
		path = "null" // Java concatenates a null path
	}
	msg := ke.Error()
	switch ke.Code {
	case wire.ErrNoNode:
		msg = "Node does not exist: " + path
	case wire.ErrNoChildrenForEphemerals:
		msg = "Ephemerals cannot have children: " + path
	case wire.ErrNodeExists:
		msg = "Node already exists: " + path
	case wire.ErrNotEmpty:
		msg = "Node not empty: " + path
	case wire.ErrNotReadOnly:
		msg = "Not a read-only call: " + path
	case wire.ErrInvalidACL:
		msg = "Acl is not valid : " + path
	case wire.ErrNoAuth:
		msg = "Insufficient permission : " + path
	case wire.ErrBadArguments:
		msg = "Arguments are not valid : " + path
	case wire.ErrBadVersion:
		msg = "version No is not valid : " + path
	case wire.ErrReconfigInProgress:
		msg = "Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)"
	case wire.ErrNewConfigNoQuorum:
		msg = "No quorum of new config is connected and up-to-date with the leader of last commmitted config - try invoking reconfiguration after new servers are connected and synced"
	case wire.ErrQuotaExceeded:
		msg = "Quota has exceeded : " + path
	}
	return &cliError{msg: msg, code: 1}
}

// parseInt is Java's Integer.parseInt as zkCli calls it on -v values: a
// bad number kills zkCli with a NumberFormatException; the shell reports
// the exception's text instead and goes on.
func parseInt(s string, bits int) (int64, error) {
	v, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, &cliError{msg: `java.lang.NumberFormatException: For input string: "` + s + `"`, code: 1}
	}
	return v, nil
}

// decodeInt is Java's Integer.decode, which `redo` uses: decimal, 0x/0X/#
// hex, leading-0 octal, with an optional sign.
func decodeInt(s string) (int, error) {
	bad := &cliError{msg: `java.lang.NumberFormatException: For input string: "` + s + `"`, code: 1}
	if s == "" {
		return 0, &cliError{msg: "java.lang.NumberFormatException: Zero length string", code: 1}
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	base := 10
	switch {
	case len(body) > 1 && (body[:2] == "0x" || body[:2] == "0X"):
		base, body = 16, body[2:]
	case len(body) > 0 && body[0] == '#':
		base, body = 16, body[1:]
	case len(body) > 1 && body[0] == '0':
		base, body = 8, body[1:]
	}
	if body == "" || body[0] == '-' || body[0] == '+' {
		return 0, bad
	}
	v, err := strconv.ParseInt(body, base, 64)
	if neg {
		v = -v
	}
	if err != nil || v < -1<<31 || v > 1<<31-1 {
		return 0, bad
	}
	return int(v), nil
}
