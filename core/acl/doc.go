// Package acl is the pure core of ZooKeeper's access control: which
// identities a session holds, whether an ACL list is well formed, and
// whether a node's ACL grants a permission to a session.
//
// It reproduces Apache ZooKeeper 3.8's built-in providers (world, auth,
// digest, ip; sasl and x509 are not registered by default and are not
// supported) string for string, because ACLs are stored in snapshots and
// compared by clients: a digest computed here must equal the one Apache's
// DigestAuthenticationProvider prints, and an ACL Apache rejects with
// INVALIDACL must be rejected here too. Where Apache's behaviour leans on
// Java library quirks the quirk is reproduced on purpose, and tested
// against vectors printed by the JDK: String.split dropping trailing empty
// strings, Integer.parseInt accepting a sign and any Unicode decimal digit,
// the JDK's replacement of malformed UTF-8 in auth data, regex line
// terminators in getACL's redaction, and the iteration order of the
// ConcurrentHashMap that holds a connection's identities (whoAmI and "auth"
// ACL entries show it).
package acl

// Scheme names and the one world id, as ZooDefs.Ids spells them.
const (
	SchemeWorld  = "world"
	SchemeAuth   = "auth"
	SchemeDigest = "digest"
	SchemeIP     = "ip"
	// SchemeSuper is the identity Apache adds to a session that
	// authenticated with the super digest; it is never valid in an ACL.
	SchemeSuper = "super"
	IDAnyone    = "anyone"
)
