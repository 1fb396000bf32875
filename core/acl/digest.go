package acl

import "github.com/corral-zk/corral/wire"

// GenerateDigest is DigestAuthenticationProvider.generateDigest with
// Apache's default algorithm, SHA1 (see DigestAlg.Generate). Digest ACL ids
// and the superDigest setting are stored in this form, so it must be
// byte-identical to Apache's.
func GenerateDigest(idPassword string) string {
	return SHA1.Generate(idPassword)
}

// DigestID is the digest ACL id of user with password, i.e. what a client
// puts in a "digest" ACL to grant that user access.
func DigestID(user, password string) string {
	return GenerateDigest(user + ":" + password)
}

// digestIdentity is what DigestAuthenticationProvider.handleAuthentication
// makes of an auth packet's bytes: `new String(authData)` (UTF-8, with
// malformed bytes replaced the JDK's way), then its digest with alg.
// Apache accepts any bytes here, even without a ':' (the whole string is
// then the user name), so nothing is refused. A null buffer is the one failure: Java's
// String constructor throws on it and the server answers AUTHFAILED.
func digestIdentity(alg DigestAlg, auth []byte) (wire.Id, bool) {
	if auth == nil {
		return wire.Id{}, false
	}
	return wire.Id{Scheme: SchemeDigest, ID: alg.Generate(javaDecodeUTF8(auth))}, true
}

// validDigestID is DigestAuthenticationProvider.isValid: exactly two parts
// when split on ':' the Java way (trailing empty parts dropped).
func validDigestID(id string) bool {
	return len(javaSplit(id, ":")) == 2
}

// digestUser is DigestAuthenticationProvider.getUserName: the id up to its
// first ':' (Java's split(":")[0]).
func digestUser(id string) string {
	if parts := javaSplit(id, ":"); len(parts) > 0 {
		return parts[0]
	}
	return ""
}
