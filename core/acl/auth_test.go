package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestAuthenticate(t *testing.T) {
	superDigest := DigestID("super", "superpw")
	bob := wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")}
	for _, tc := range []struct {
		name   string
		scheme string
		auth   []byte
		super  string
		want   []wire.Id // nil: AUTHFAILED
	}{
		{"digest", "digest", []byte("bob:pw"), "", []wire.Id{bob}},
		{"digest without colon", "digest", []byte("foo"), "", []wire.Id{{Scheme: "digest", ID: "foo:C+7Hteo/D9vJXQ3UfzxbwnXaijM="}}},
		{"digest empty", "digest", []byte{}, "", []wire.Id{{Scheme: "digest", ID: ":2jmj7l5rSw0yVb/vlWAYkK/YBwk="}}},
		{"digest invalid utf-8 is accepted", "digest", []byte{'u', 0xff, ':', 'p', 'w'}, "",
			[]wire.Id{{Scheme: "digest", ID: "u\ufffd:ZkDbACI8jhxEZENwrdx+ToaWXM8="}}},
		{"digest null data", "digest", nil, "", nil},
		{"super digest adds super first", "digest", []byte("super:superpw"), superDigest,
			[]wire.Id{{Scheme: "super"}, {Scheme: "digest", ID: superDigest}}},
		{"super digest not configured", "digest", []byte("super:superpw"), "", []wire.Id{{Scheme: "digest", ID: superDigest}}},
		{"wrong super password", "digest", []byte("super:nope"), superDigest, []wire.Id{{Scheme: "digest", ID: DigestID("super", "nope")}}},
		{"ip re-adds the connection's address", "ip", []byte("10.9.9.9"), "", []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}},
		{"ip ignores null data", "ip", nil, "", []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}},
		{"world has no provider", "world", []byte("anyone"), "", nil},
		{"auth has no provider", "auth", []byte("x"), "", nil},
		{"super has no provider", "super", []byte("x"), "", nil},
		{"sasl is not registered", "sasl", []byte("x"), "", nil},
		{"x509 is not registered", "x509", []byte("x"), "", nil},
		{"schemes are case-sensitive", "Digest", []byte("bob:pw"), "", nil},
		{"empty scheme", "", []byte("bob:pw"), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Config{SuperDigest: tc.super}.Authenticate(tc.scheme, tc.auth, "127.0.0.1")
			if tc.want == nil {
				require.ErrorIs(t, err, ErrAuthFailed)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// The digest provider hashes with the configured algorithm, the super
// digest must be in that algorithm's form, and without the provider digest
// auth fails (so nobody can become the super user) while ip still works.
func TestAuthenticateWithConfiguredDigest(t *testing.T) {
	sha256Super := SHA256.Generate("super:superpw")
	c := Config{DigestAlg: SHA256, SuperDigest: sha256Super}
	got, err := c.Authenticate("digest", []byte("bob:pw"), "127.0.0.1")
	require.NoError(t, err)
	require.Equal(t, []wire.Id{{Scheme: "digest", ID: "bob:lXdkgIa9O1CDDWAryQ0pe9wUYi2LkG6M7Uocn/Vyn2g="}}, got)
	got, err = c.Authenticate("digest", []byte("super:superpw"), "127.0.0.1")
	require.NoError(t, err)
	require.Equal(t, []wire.Id{{Scheme: "super"}, {Scheme: "digest", ID: sha256Super}}, got)
	got, err = Config{DigestAlg: SHA256, SuperDigest: DigestID("super", "superpw")}.Authenticate("digest", []byte("super:superpw"), "127.0.0.1")
	require.NoError(t, err)
	require.Equal(t, []wire.Id{{Scheme: "digest", ID: sha256Super}}, got, "a SHA1 super digest never matches under SHA-256")

	off := Config{DigestDisabled: true, SuperDigest: DigestID("super", "superpw")}
	for _, data := range []string{"bob:pw", "super:superpw"} {
		got, err = off.Authenticate("digest", []byte(data), "127.0.0.1")
		require.ErrorIs(t, err, ErrAuthFailed)
		require.Nil(t, got)
	}
	got, err = off.Authenticate("ip", nil, "127.0.0.1")
	require.NoError(t, err)
	require.Equal(t, []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}, got)
}

func TestHasProvider(t *testing.T) {
	for _, s := range []string{"ip", "digest"} {
		require.True(t, Config{}.HasProvider(s), s)
	}
	for _, s := range []string{"world", "auth", "super", "sasl", "x509", "Digest", ""} {
		require.False(t, Config{}.HasProvider(s), s)
	}
	require.False(t, Config{DigestDisabled: true}.HasProvider("digest"))
	require.True(t, Config{DigestDisabled: true}.HasProvider("ip"))
}

// Without the digest provider a digest entry is INVALIDACL wherever it is in
// the list; everything else validates as with the provider.
func TestValidateACLWithoutDigest(t *testing.T) {
	bob := wire.ACL{Perms: wire.PermAll, ID: wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")}}
	anyone := wire.ACL{Perms: wire.PermRead, ID: wire.Id{Scheme: "world", ID: "anyone"}}
	ip := wire.ACL{Perms: wire.PermRead, ID: wire.Id{Scheme: "ip", ID: "10.0.0.0/8"}}
	off := Config{DigestDisabled: true}
	for _, acls := range [][]wire.ACL{{bob}, {anyone, bob}, {bob, bob}} {
		_, err := off.ValidateACL(acls, nil)
		require.ErrorIs(t, err, wire.ErrInvalidACL)
		got, err := Config{}.ValidateACL(acls, nil)
		require.NoError(t, err)
		require.Contains(t, got, bob)
	}
	got, err := off.ValidateACL([]wire.ACL{anyone, ip}, nil)
	require.NoError(t, err)
	require.Equal(t, []wire.ACL{anyone, ip}, got)
	_, err = off.ValidateACL([]wire.ACL{{Perms: wire.PermAll, ID: wire.Id{Scheme: "auth"}}},
		[]wire.Id{{Scheme: "ip", ID: "127.0.0.1"}})
	require.ErrorIs(t, err, wire.ErrInvalidACL, "ip identities do not expand auth")
}

// AuthenticationHelper.isCnxnAuthenticated: any identity of an enforced
// scheme admits the connection, the ip identity included when ip is one.
func TestAdmits(t *testing.T) {
	ipOnly := []wire.Id{{Scheme: "ip", ID: "127.0.0.1"}}
	withBob := append(ipOnly, wire.Id{Scheme: "digest", ID: DigestID("bob", "pw")})
	superOnly := append(ipOnly, wire.Id{Scheme: "super"})
	require.True(t, Config{}.Admits(nil), "not enforced")
	require.True(t, Config{}.Admits(ipOnly))
	digest := Config{EnforceSchemes: []string{"digest"}}
	require.False(t, digest.Admits(ipOnly))
	require.False(t, digest.Admits(nil))
	require.False(t, digest.Admits(superOnly), "super alone is no digest identity")
	require.True(t, digest.Admits(withBob))
	both := Config{EnforceSchemes: []string{"digest", "ip"}}
	require.True(t, both.Admits(ipOnly))
	require.False(t, Config{EnforceSchemes: []string{}}.Admits(withBob), "enforced with no scheme admits nobody")
}
