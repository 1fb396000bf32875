package acl

import (
	"encoding/base64"
	"encoding/hex"
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

// The identity an auth packet's bytes give, invalid UTF-8 included. Vectors:
// DigestAuthenticationProvider.generateDigest(new String(bytes, UTF_8)) run
// on Apache 3.8.0's jar with OpenJDK 17 (printed base64, to keep U+FFFD
// visible).
func TestDigestIdentityMatchesApache(t *testing.T) {
	for _, tc := range []struct{ hex, want string }{
		{"7573723a7077", "dXNyOlQzbERqZkRva29pdDFnR3NFZnp4Ui83ZlA5MD0="},         // usr:pw
		{"75ff3a7077", "de+/vTpaa0RiQUNJOGpoeEVaRU53cmR4K1RvYVdYTTg9"},           // u\xff:pw
		{"c3a9", "w6k6dnhXK2NYckJzSUMwOGNSV2FTZ2xpUi8xQnowPQ=="},                 // é
		{"ff", "77+9Om05dDNKMndZVXVIN0JuZ2dSeWdTL1BZSVFDUT0="},                   // one U+FFFD
		{"e080af", "77+977+977+9OnBXa20vYjFXaGtwRldXd1JuTGd6M2FSVnlLbz0="},       // three
		{"f4908080", "77+977+977+977+9OlRSb2JwR2JuT0pOZHRFY2NGTTVTbEQrd0pHST0="}, // four
		{"f09f41", "77+9QTp1VkJzY1k4V3hDSHlXRVhXaHhqQys5U3hPQUU9"},               // U+FFFD A
		{"f09f9880", "8J+YgDpuRk0yaUtsNXFGakwxcVE4bjVHcnBpUmxIeGc9"},             // 😀
		{"3a", "OkJhZWZCczgvWi9jbTJ1YU5HS0lwRDJ5YVVNaz0="},                       // ":"
		{"", "OjJqbWo3bDVyU3cweVZiL3ZsV0FZa0svWUJ3az0="},                         // empty
	} {
		b, err := hex.DecodeString(tc.hex)
		require.NoError(t, err)
		want, err := base64.StdEncoding.DecodeString(tc.want)
		require.NoError(t, err)
		id, ok := digestIdentity(SHA1, b)
		require.True(t, ok, tc.hex)
		require.Equal(t, wire.Id{Scheme: "digest", ID: string(want)}, id, tc.hex)
	}
	_, ok := digestIdentity(SHA1, nil)
	require.False(t, ok, "a null buffer fails (NullPointerException in Apache)")
}

func TestDigestValidityAndUser(t *testing.T) {
	for _, tc := range []struct {
		id    string
		valid bool
		user  string
	}{
		{"bob:hash", true, "bob"},
		{":hash", true, ""},
		{"bob", false, "bob"},
		{"bob:", false, "bob"},
		{"a:b:c", false, "a"},
		{"a:b::", true, "a"},
	} {
		require.Equal(t, tc.valid, validDigestID(tc.id), tc.id)
		require.Equal(t, tc.user, digestUser(tc.id), tc.id)
	}
}
