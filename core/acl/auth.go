package acl

import (
	"errors"
	"slices"

	"github.com/corral-zk/corral/wire"
)

// ErrAuthFailed is Authenticate's only error: the server answers the auth
// packet with AUTHFAILED and closes the connection.
var ErrAuthFailed = errors.New("acl: authentication failed")

// Config is a server's authentication settings: which of Apache's built-in
// providers exist (ProviderRegistry), how the digest one hashes, who the
// super user is, and whether a connection must authenticate before it may
// do anything (AuthenticationHelper). The zero value is Apache's default:
// the ip and digest providers, SHA1, no super user, nothing enforced.
type Config struct {
	// DigestDisabled is zookeeper.DigestAuthenticationProvider.enabled=false:
	// there is no digest provider, so digest auth packets fail, digest ACL
	// entries are invalid and nobody can become the super user.
	DigestDisabled bool
	// DigestAlg is zookeeper.DigestAuthenticationProvider.digestAlg.
	DigestAlg DigestAlg
	// SuperDigest is zookeeper.DigestAuthenticationProvider.superDigest
	// ("super:<digest>" in DigestAlg's form, "" for none): whoever
	// authenticates with the password it hashes gains the "super" identity,
	// which passes every ACL check.
	SuperDigest string
	// EnforceSchemes is zookeeper.enforce.auth.schemes when
	// zookeeper.enforce.auth.enabled is true, nil when it is not: a
	// connection must then hold an identity of one of these schemes before
	// any request but auth and sasl (see Admits).
	EnforceSchemes []string
}

// HasProvider reports whether a provider of scheme is registered:
// ProviderRegistry.getProvider(scheme) != null. Only "ip" and (unless
// disabled) "digest" are; "world", "auth" and "super" never have one.
func (c Config) HasProvider(scheme string) bool {
	return scheme == SchemeIP || scheme == SchemeDigest && !c.DigestDisabled
}

// Authenticate is what ZooKeeperServer.processPacket does with an auth
// packet: it returns the identities the connection gains, in the order
// Apache adds them, or ErrAuthFailed.
//
//   - "digest": the digest of the auth data (see digestIdentity). When it
//     equals SuperDigest the connection first gains the "super" identity.
//   - "ip": the connection's own address again (ipID), whatever the data;
//     the set already holds it, so this changes nothing and succeeds.
//   - any other scheme (world, auth, super, sasl, x509, "Digest", digest
//     when disabled, ...) has no provider: AUTHFAILED.
func (c Config) Authenticate(scheme string, auth []byte, ipID string) ([]wire.Id, error) {
	if !c.HasProvider(scheme) {
		return nil, ErrAuthFailed
	}
	if scheme == SchemeIP {
		return []wire.Id{{Scheme: SchemeIP, ID: ipID}}, nil
	}
	id, ok := digestIdentity(c.DigestAlg, auth)
	if !ok {
		return nil, ErrAuthFailed
	}
	if c.SuperDigest != "" && id.ID == c.SuperDigest {
		return []wire.Id{{Scheme: SchemeSuper, ID: ""}, id}, nil
	}
	return []wire.Id{id}, nil
}

// ValidateACL is ValidateACL (PrepRequestProcessor.fixupACL) with this
// configuration's providers: without the digest provider a digest entry is
// INVALIDACL like any scheme without a provider.
func (c Config) ValidateACL(acls []wire.ACL, ids []wire.Id) ([]wire.ACL, error) {
	if c.DigestDisabled && slices.ContainsFunc(acls, func(a wire.ACL) bool { return a.ID.Scheme == SchemeDigest }) {
		return nil, wire.ErrInvalidACL
	}
	return ValidateACL(acls, ids)
}

// Admits is AuthenticationHelper.enforceAuthentication's test: whether a
// connection holding ids may send a request other than auth or sasl. With
// enforcement on it must hold an identity of one of EnforceSchemes (the ip
// identity every connection has counts when "ip" is one); otherwise Apache
// answers the request SESSIONCLOSEDREQUIRESASLAUTH and closes the
// connection.
func (c Config) Admits(ids []wire.Id) bool {
	if c.EnforceSchemes == nil {
		return true
	}
	for _, id := range ids {
		if slices.Contains(c.EnforceSchemes, id.Scheme) {
			return true
		}
	}
	return false
}
