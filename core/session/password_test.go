package session

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasswordKnownAnswer(t *testing.T) {
	// HMAC-SHA256("corral-secret", be64(0x0100000000000001))[:16],
	// computed independently with Python's hmac module.
	tb := New(Config{Secret: []byte("corral-secret")})
	pw := tb.Password(0x0100000000000001)
	require.Equal(t, "82dab7af7c07c5b7588fca6faeb71b27", hex.EncodeToString(pw[:]))
}

func TestPasswordSharedAcrossServers(t *testing.T) {
	// Two servers of one ensemble share the secret but not the id space.
	a := New(Config{ServerID: 1, Secret: []byte("s3cret")})
	b := New(Config{ServerID: 2, Secret: []byte("s3cret")})
	id := a.NextID()
	pw := a.Password(id)
	require.Equal(t, pw, b.Password(id))
	require.True(t, b.CheckPassword(id, pw[:]), "a reconnect to another server must validate")
}

func TestCheckPassword(t *testing.T) {
	tb := New(Config{Secret: []byte("s3cret")})
	other := New(Config{Secret: []byte("other")})
	const id = int64(0x0100000000000042)
	good := tb.Password(id)
	flipped := good
	flipped[15] ^= 1

	cases := []struct {
		name string
		pw   []byte
		want bool
	}{
		{"right password", good[:], true},
		{"last byte flipped", flipped[:], false},
		{"password of another id", func() []byte { p := tb.Password(id + 1); return p[:] }(), false},
		{"password under another secret", func() []byte { p := other.Password(id); return p[:] }(), false},
		{"truncated", good[:15], false},
		{"too long", append(good[:], 0), false},
		{"empty", nil, false},
		{"all zeros", make([]byte, PasswordLen), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tb.CheckPassword(id, tc.pw))
		})
	}
}
