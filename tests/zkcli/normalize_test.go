package zkcli

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness/transcript"
)

func TestNormalizeStat(t *testing.T) {
	in := `hello
cZxid = 0x19
ctime = Sun Nov 22 03:18:54 UTC 2026
mZxid = 0x1a
mtime = Thu Jan 01 00:00:00 UTC 1970
pZxid = 0x19
cversion = 4
ephemeralOwner = 0x100000e3c6e0001
`
	want := `hello
cZxid = z1
ctime = t
mZxid = z2
mtime = 0
pZxid = z1
cversion = 4
ephemeralOwner = s1
`
	require.Equal(t, want, normalizeStat(transcript.NewNormalizer(), in))
}

func TestSorting(t *testing.T) {
	require.Equal(t, "/a\n/a/b\n/a/c\n", sortLines("/a\n/a/c\n/a/b\n"))
	require.Equal(t, "[/a/b, /a/c]\n", sortList("[/a/c, /a/b]\n"))
	require.Equal(t, "[]\n", sortList("[]\n"))
	require.Equal(t, "Node does not exist: /x\n", sortList("Node does not exist: /x\n"))
}
