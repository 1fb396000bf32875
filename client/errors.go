package client

import (
	"errors"

	"github.com/corral-zk/corral/wire"
)

// Error is a failed operation: the server's (or the client's own) error
// code and the client path it concerned. Its message is the one Apache's
// Java client puts in a KeeperException ("KeeperErrorCode = NoNode for
// /a"), because tools built on this package print it where zkCli prints
// the exception's message.
type Error struct {
	Code wire.ErrCode
	// Path is the client path (chroot removed) of the operation; "" when
	// the error concerns no path, which Apache prints as "null".
	Path string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "KeeperErrorCode = " + CodeMessage(e.Code)
	}
	return "KeeperErrorCode = " + CodeMessage(e.Code) + " for " + e.Path
}

// Is makes errors.Is(err, wire.ErrNoNode) work for an *Error.
func (e *Error) Is(target error) bool {
	c, ok := target.(wire.ErrCode)
	return ok && c == e.Code
}

// CodeOf returns the error code of err: wire.ErrOK for nil, the code of an
// *Error or a bare wire.ErrCode, and wire.ErrSystemError for anything else.
func CodeOf(err error) wire.ErrCode {
	if err == nil {
		return wire.ErrOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c wire.ErrCode
	if errors.As(err, &c) {
		return c
	}
	return wire.ErrSystemError
}

// CodeMessage is Apache's KeeperException.getCodeMessage: the human text of
// a code, which differs from the code's name (NOTEMPTY is "Directory not
// empty").
func CodeMessage(c wire.ErrCode) string {
	if m, ok := codeMessages[c]; ok {
		return m
	}
	return "Unknown error " + c.String()
}

var codeMessages = map[wire.ErrCode]string{
	wire.ErrOK:                           "ok",
	wire.ErrSystemError:                  "SystemError",
	wire.ErrRuntimeInconsistency:         "RuntimeInconsistency",
	wire.ErrDataInconsistency:            "DataInconsistency",
	wire.ErrConnectionLoss:               "ConnectionLoss",
	wire.ErrMarshallingError:             "MarshallingError",
	wire.ErrNewConfigNoQuorum:            "NewConfigNoQuorum",
	wire.ErrReconfigInProgress:           "ReconfigInProgress",
	wire.ErrUnimplemented:                "Unimplemented",
	wire.ErrOperationTimeout:             "OperationTimeout",
	wire.ErrBadArguments:                 "BadArguments",
	wire.ErrAPIError:                     "APIError",
	wire.ErrNoNode:                       "NoNode",
	wire.ErrNoAuth:                       "NoAuth",
	wire.ErrBadVersion:                   "BadVersion",
	wire.ErrNoChildrenForEphemerals:      "NoChildrenForEphemerals",
	wire.ErrNodeExists:                   "NodeExists",
	wire.ErrInvalidACL:                   "InvalidACL",
	wire.ErrAuthFailed:                   "AuthFailed",
	wire.ErrNotEmpty:                     "Directory not empty",
	wire.ErrSessionExpired:               "Session expired",
	wire.ErrInvalidCallback:              "Invalid callback",
	wire.ErrSessionMoved:                 "Session moved",
	wire.ErrNotReadOnly:                  "Not a read-only call",
	wire.ErrEphemeralOnLocalSession:      "Ephemeral node on local session",
	wire.ErrNoWatcher:                    "No such watcher",
	wire.ErrReconfigDisabled:             "Reconfig is disabled",
	wire.ErrSessionClosedRequireSASLAuth: "Session closed because client failed to authenticate",
	wire.ErrQuotaExceeded:                "Quota has exceeded",
	wire.ErrThrottledOp:                  "Op throttled due to high load",
}

// ArgumentError is an argument the client refuses before sending anything
// (Apache throws IllegalArgumentException): a malformed path, an invalid
// TTL. The message is Apache's.
type ArgumentError struct{ Msg string }

func (e *ArgumentError) Error() string { return e.Msg }
