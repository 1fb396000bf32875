package transcript

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func TestNormalizerNamesByFirstAppearance(t *testing.T) {
	n := NewNormalizer()
	require.Equal(t, "z1", n.Zxid(0x500000007))
	require.Equal(t, "z2", n.Zxid(3))
	require.Equal(t, "z1", n.Zxid(0x500000007))
	require.Equal(t, "0", n.Zxid(0))
	require.Equal(t, "-1", n.Zxid(-1))
	require.Equal(t, "s1", n.Session(0x10000abcd))
	require.Equal(t, "s2", n.Session(7))
	require.Equal(t, "s1", n.Session(0x10000abcd))
	require.Equal(t, "0", n.Session(0))
}

func TestOwner(t *testing.T) {
	cases := []struct {
		name  string
		owner int64
		want  string
	}{
		{"none", 0, "0"},
		{"container", wire.ContainerEphemeralOwner, "container"},
		{"ttl", wire.TTLOwnerMask | 60000, "ttl:60000"},
		{"max ttl", wire.TTLOwnerMask | wire.MaxTTL, "ttl:1099511627775"},
		{"session", 0x0100000012345678, "s1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, NewNormalizer().Owner(c.owner))
		})
	}
}

func TestStatSharesNamesWithZxid(t *testing.T) {
	n := NewNormalizer()
	require.Equal(t, "z1", n.Zxid(10))
	got := n.Stat(wire.Stat{Czxid: 10, Mzxid: 12, Pzxid: 10, Ctime: 1700000000000, Mtime: 1700000000001,
		Version: 1, Cversion: 2, Aversion: 3, EphemeralOwner: 99, DataLength: 4, NumChildren: 5})
	require.Equal(t, "{czxid=z1 mzxid=z2 pzxid=z1 ctime=t mtime=t version=1 cversion=2 aversion=3 owner=s1 dataLength=4 numChildren=5}", got)
}

func TestACLAndSorted(t *testing.T) {
	require.Equal(t, "[world:anyone=31,digest:u:x=1]", ACL([]wire.ACL{
		{Perms: 31, ID: wire.Id{Scheme: "world", ID: "anyone"}},
		{Perms: 1, ID: wire.Id{Scheme: "digest", ID: "u:x"}},
	}))
	require.Equal(t, "[]", ACL(nil))
	in := []string{"b", "a", "c"}
	require.Equal(t, "[a,b,c]", Sorted(in))
	require.Equal(t, []string{"b", "a", "c"}, in, "Sorted must not reorder its argument")
}

func TestTranscriptString(t *testing.T) {
	tr := New()
	require.Equal(t, "", tr.String())
	tr.Note("# section")
	tr.Add("create", "/a", "OK /a")
	require.Equal(t, 2, tr.Len())
	require.Equal(t, "# section\ncreate /a -> OK /a\n", tr.String())
}

func TestDiff(t *testing.T) {
	cases := []struct {
		name, a, b, want string
	}{
		{"equal", "x\ny\n", "x\ny\n", ""},
		{"changed line", "a\nb\nc\n", "a\nB\nc\n", "  a\n- b\n+ B\n  c\n"},
		{"added line", "a\nc\n", "a\nb\nc\n", "  a\n+ b\n  c\n"},
		{"removed at end", "a\nb\n", "a\n", "  a\n- b\n"},
		{"from empty", "", "a\n", "+ a\n"},
		{"context is trimmed", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
			"...\n  2\n  3\n  4\n- 5\n+ X\n  6\n  7\n  8\n...\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, Diff(c.a, c.b))
		})
	}
}
