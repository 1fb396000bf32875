package acl

import (
	"testing"

	"github.com/corral-zk/corral/wire"
	"github.com/stretchr/testify/require"
)

func TestClientInfos(t *testing.T) {
	got := ClientInfos([]wire.Id{
		{Scheme: "ip", ID: "127.0.0.1"},
		{Scheme: "super", ID: ""},
		{Scheme: "digest", ID: DigestID("super", "superpw")},
		{Scheme: "digest", ID: ":2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
	})
	require.Equal(t, []wire.ClientInfo{
		{AuthScheme: "ip", User: "127.0.0.1"},
		{AuthScheme: "super", User: ""},
		{AuthScheme: "digest", User: "super"},
		{AuthScheme: "digest", User: ""},
	}, got)
	require.Equal(t, []wire.ClientInfo{}, ClientInfos(nil))
}
