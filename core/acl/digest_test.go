package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

// Vectors printed by Apache 3.8's
// `java org.apache.zookeeper.server.auth.DigestAuthenticationProvider <arg>`.
func TestGenerateDigestMatchesApache(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"super:superpw", "super:g9oN2HttPfn8MMWJZ2r45Np/LIA="},
		{"foo", "foo:C+7Hteo/D9vJXQ3UfzxbwnXaijM="},
		{"", ":2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{"a:b:c", "a:cLzgnoJ6mP5qz3w+mwvPE2vDgu0="},
	} {
		require.Equal(t, tc.want, GenerateDigest(tc.in), tc.in)
	}
	require.Equal(t, "super:g9oN2HttPfn8MMWJZ2r45Np/LIA=", DigestID("super", "superpw"))
}

func TestAuthenticateDigest(t *testing.T) {
	for _, tc := range []struct {
		name    string
		auth    []byte
		want    wire.Id
		wantErr bool
	}{
		{"user:password", []byte("super:superpw"), wire.Id{Scheme: "digest", ID: "super:g9oN2HttPfn8MMWJZ2r45Np/LIA="}, false},
		{"no colon is accepted like Apache", []byte("foo"), wire.Id{Scheme: "digest", ID: "foo:C+7Hteo/D9vJXQ3UfzxbwnXaijM="}, false},
		{"empty", []byte{}, wire.Id{Scheme: "digest", ID: ":2jmj7l5rSw0yVb/vlWAYkK/YBwk="}, false},
		{"invalid utf-8", []byte{'u', ':', 0xff, 0xfe}, wire.Id{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := AuthenticateDigest(tc.auth)
			if tc.wantErr {
				require.ErrorIs(t, err, ErrMalformedAuth)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, id)
		})
	}
}
