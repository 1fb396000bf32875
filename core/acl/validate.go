package acl

import "github.com/corral-zk/corral/wire"

// ValidateACL is PrepRequestProcessor.fixupACL: it checks the ACL list of a
// create or setACL and returns the list to store, with duplicates removed
// and every "auth" entry replaced by one entry per authenticated identity
// of the session (ids). Any problem yields wire.ErrInvalidACL:
//   - an empty list (after removing exact duplicates);
//   - a scheme with no provider (anything but world, auth, digest, ip);
//   - "world" with an id other than "anyone";
//   - "digest" whose id is not user:hash (Java split on ':' gives 2 parts);
//   - "ip" whose id is not an address or address/bits;
//   - "auth" when the session has no authenticated identity (ip
//     identities do not count: Apache's IP provider is not "authenticated").
//
// Permission bits are not checked, as in Apache.
func ValidateACL(acls []wire.ACL, ids []wire.Id) ([]wire.ACL, error) {
	uniq := removeDuplicates(acls)
	if len(uniq) == 0 {
		return nil, wire.ErrInvalidACL
	}
	out := make([]wire.ACL, 0, len(uniq))
	for _, a := range uniq {
		switch {
		case a.ID.Scheme == SchemeWorld && a.ID.ID == IDAnyone:
			out = append(out, a)
		case a.ID.Scheme == SchemeAuth:
			expanded := false
			for _, id := range ids {
				if authenticatedScheme(id.Scheme) {
					expanded = true
					out = append(out, wire.ACL{Perms: a.Perms, ID: id})
				}
			}
			if !expanded {
				return nil, wire.ErrInvalidACL
			}
		case ValidID(a.ID):
			out = append(out, a)
		default:
			return nil, wire.ErrInvalidACL
		}
	}
	return out, nil
}

// ValidID reports whether a (non-world, non-auth) ACL id is well formed for
// a provider that exists: Apache's ProviderRegistry has only ip and digest
// unless more are configured.
func ValidID(id wire.Id) bool {
	switch id.Scheme {
	case SchemeDigest:
		return validDigestID(id.ID)
	case SchemeIP:
		return ValidIPExpr(id.ID)
	}
	return false
}

// authenticatedScheme is ServerAuthenticationProvider.isAuthenticated for
// the registered providers: digest proves who the client is, ip does not,
// and "super" has no provider at all.
func authenticatedScheme(scheme string) bool {
	return scheme == SchemeDigest
}

func removeDuplicates(acls []wire.ACL) []wire.ACL {
	out := make([]wire.ACL, 0, len(acls))
	for _, a := range acls {
		dup := false
		for _, b := range out {
			if a == b {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}
