package session

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected passwords were printed by Java 17:
// new Random(id ^ 0xB3415C00L).nextBytes(new byte[16]).
func TestApachePasswordMatchesJava(t *testing.T) {
	for id, want := range map[int64]string{
		0x10000909146003c: "6f7a8f3984582d26c9b533e87c6684c6",
		1:                 "054cc74a37327db215e702e20c73f005",
		-1:                "20f62cb5648dc2d771471c8a2486a9ee",
	} {
		pw := ApachePassword(id)
		assert.Equal(t, want, hex.EncodeToString(pw[:]), "session %#x", id)
	}
}

// Imported Apache sessions keep Apache's password; every other session
// keeps Corral's keyed one, and Apache's formula does not open it.
func TestApacheSessionsUseApachePasswords(t *testing.T) {
	const imported, native = int64(0x10000909146003c), int64(0x20000aa00000001)
	tab := New(Config{ServerID: 1, TickMillis: 2000, Secret: []byte("k"), ApacheSessions: map[int64]bool{imported: true}})

	apw := ApachePassword(imported)
	require.Equal(t, apw, tab.Password(imported), "the password handed out again on reconnect")
	require.True(t, tab.CheckPassword(imported, apw[:]))
	corralPW := New(Config{ServerID: 1, TickMillis: 2000, Secret: []byte("k")}).Password(imported)
	require.False(t, tab.CheckPassword(imported, corralPW[:]))

	npw := ApachePassword(native)
	require.False(t, tab.CheckPassword(native, npw[:]), "Apache's guessable password must not open a Corral session")
	own := tab.Password(native)
	require.True(t, tab.CheckPassword(native, own[:]))
}
