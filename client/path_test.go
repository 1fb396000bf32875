package client

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The messages are Apache's PathUtils messages, checked live against
// zkCli.sh 3.8 (e.g. `get zz` prints "Path must start with / character").
func TestValidatePath(t *testing.T) {
	cases := []struct{ path, err string }{
		{"/", ""},
		{"/a", ""},
		{"/a/b.c/..d/d..", ""},
		{"/é/日本", ""},
		{"", "Path length must be > 0"},
		{"a", "Path must start with / character"},
		{"/a/", "Path must not end with / character"},
		{"/a//b", `Invalid path string "/a//b" caused by empty node name specified @3`},
		{"/a/./b", `Invalid path string "/a/./b" caused by relative paths not allowed @3`},
		{"/a/..", `Invalid path string "/a/.." caused by relative paths not allowed @4`},
		{"/.", `Invalid path string "/." caused by relative paths not allowed @1`},
		{"/a\x00b", `Invalid path string "/a` + "\x00" + `b" caused by null character not allowed @2`},
		{"/a\tb", `Invalid path string "/a` + "\t" + `b" caused by invalid character @2`},
		{"/a\u0085", `Invalid path string "/a` + "\u0085" + `" caused by invalid character @2`},
		{"/x😀", `Invalid path string "/x😀" caused by invalid character @2`}, // a surrogate pair in UTF-16
		{"/\ufff0", `Invalid path string "/` + "\ufff0" + `" caused by invalid character @1`},
	}
	for _, c := range cases {
		err := ValidatePath(c.path)
		if c.err == "" {
			require.NoError(t, err, c.path)
			continue
		}
		require.EqualError(t, err, c.err, c.path)
		require.IsType(t, &ArgumentError{}, err)
	}
	require.NoError(t, validateCreatePath("/a/", true), "a sequential node may end in /")
	require.EqualError(t, validateCreatePath("/a/", false), "Path must not end with / character")
}

func TestParseConnectString(t *testing.T) {
	cs, err := ParseConnectString("h1:1, h2 ,[::1]:3,[::2]/app/x")
	require.NoError(t, err)
	require.Equal(t, []string{"h1:1", "h2:2181", "[::1]:3", "[::2]:2181"}, cs.Servers)
	require.Equal(t, "/app/x", cs.Chroot)
	require.Equal(t, "/app/x", cs.serverPath("/"))
	require.Equal(t, "/app/x/a", cs.serverPath("/a"))
	require.Equal(t, "/", cs.clientPath("/app/x"))
	require.Equal(t, "/a", cs.clientPath("/app/x/a"))
	require.Equal(t, "/other", cs.clientPath("/other"))

	cs, err = ParseConnectString("127.0.0.1:2181/")
	require.NoError(t, err)
	require.Equal(t, "", cs.Chroot, `"/" is no chroot`)
	require.Equal(t, "/a", cs.serverPath("/a"))

	_, err = ParseConnectString("h:1/bad/")
	require.EqualError(t, err, "Path must not end with / character")
	_, err = ParseConnectString(" , ")
	require.Error(t, err)
}
