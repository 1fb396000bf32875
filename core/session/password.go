package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
)

// PasswordLen is the length of a session password on the wire
// (ConnectResponse.passwd), 16 bytes like Apache's.
const PasswordLen = 16

// Password derives the password of a session from its id alone:
// HMAC-SHA256(secret, big-endian id) truncated to 16 bytes. Apache instead
// seeds java.util.Random with id ^ superSecret; an HMAC keeps the same
// property that matters (any server sharing the secret recomputes the
// password on reconnect, so passwords need no replication) while not being
// forgeable from a few observed passwords. Sessions imported from Apache
// (Config.ApacheSessions) keep the password their clients already hold.
func (t *Table) Password(id int64) [PasswordLen]byte {
	if t.cfg.ApacheSessions[id] {
		return ApachePassword(id)
	}
	mac := hmac.New(sha256.New, t.cfg.Secret)
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(id))
	mac.Write(buf[:])
	var pw [PasswordLen]byte
	copy(pw[:], mac.Sum(nil))
	return pw
}

// CheckPassword reports whether pw is the password of session id, in
// constant time so a client cannot guess it byte by byte from timings.
func (t *Table) CheckPassword(id int64, pw []byte) bool {
	want := t.Password(id)
	return hmac.Equal(want[:], pw)
}
