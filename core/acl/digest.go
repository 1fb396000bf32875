package acl

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/corral-zk/corral/wire"
)

// GenerateDigest is DigestAuthenticationProvider.generateDigest: the part of
// idPassword before the first ':' (all of it when there is none), a ':', and
// the standard padded base64 of SHA-1 over the whole idPassword. Digest ACL
// ids and the superDigest setting are stored in this form, so it must be
// byte-identical to Apache's.
func GenerateDigest(idPassword string) string {
	user, _, _ := strings.Cut(idPassword, ":")
	sum := sha1.Sum([]byte(idPassword))
	return user + ":" + base64.StdEncoding.EncodeToString(sum[:])
}

// DigestID is the digest ACL id of user with password, i.e. what a client
// puts in a "digest" ACL to grant that user access.
func DigestID(user, password string) string {
	return GenerateDigest(user + ":" + password)
}

// ErrMalformedAuth is returned by AuthenticateDigest for auth data that is
// not valid UTF-8; the server answers such an auth packet with AUTHFAILED.
var ErrMalformedAuth = errors.New("acl: digest auth data is not valid UTF-8")

// AuthenticateDigest turns the payload of an AuthPacket with scheme
// "digest" ("user:password") into the identity the session gains.
//
// Apache accepts any string here, even one without a ':' (the whole string
// is then the user name), and so does this function: rejecting it would
// break clients Apache accepts. The only failure is bytes that are not
// UTF-8, which Java would silently replace with U+FFFD, yielding a digest
// nobody can reproduce; refusing them is the safe reading.
func AuthenticateDigest(auth []byte) (wire.Id, error) {
	if !utf8.Valid(auth) {
		return wire.Id{}, ErrMalformedAuth
	}
	return wire.Id{Scheme: SchemeDigest, ID: GenerateDigest(string(auth))}, nil
}

// validDigestID is DigestAuthenticationProvider.isValid: exactly two parts
// when split on ':' the Java way (trailing empty parts dropped).
func validDigestID(id string) bool {
	return len(javaSplit(id, ":")) == 2
}
