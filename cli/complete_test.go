package cli

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestComplete(t *testing.T) {
	tree := map[string][]string{"/": {"app", "apple", "zookeeper"}, "/app": {"beta", "alpha", "alpine"}}
	children := func(dir string) []string { return tree[dir] }
	cmds := commandNames()
	cases := []struct {
		buffer string
		want   completion
	}{
		{"get /ap", completion{[]string{"app", "apple"}, 5}},
		{"get /app/al", completion{[]string{"alpha", "alpine"}, 9}},
		{"get /app/", completion{[]string{"alpha", "alpine", "beta"}, 9}},
		{"ls /z", completion{[]string{"zookeeper"}, 4}},
		{"ls /nothing/x", completion{nil, 12}},
		{"getA", completion{[]string{"getAcl", "getAllChildrenNumber"}, 0}},
		{"del", completion{[]string{"delete", "deleteall", "delquota"}, 0}},
		{"get -", completion{nil, 4}}, // only the first word completes to commands
		{"get ", completion{nil, 4}},
	}
	for _, c := range cases {
		require.Equal(t, c.want, complete(c.buffer, cmds, children), "%q", c.buffer)
	}
	require.Equal(t, "alp", commonPrefix([]string{"alpha", "alpine"}))
	require.Equal(t, "", commonPrefix([]string{"a", "b"}))
	require.Equal(t, "aa    bb    cc\ndddd\n", columns([]string{"aa", "bb", "cc", "dddd"}, 18))
}

func TestLineHistory(t *testing.T) {
	h := newLineHistory(3)
	for _, l := range []string{"a", "", "  ", "b", "b", "c", "d"} {
		h.Add(l)
	}
	require.Equal(t, 3, h.Len())
	require.Equal(t, []string{"d", "c", "b"}, []string{h.At(0), h.At(1), h.At(2)})
}

func TestTranslateKeys(t *testing.T) {
	out, rest := translateKeys([]byte("a\x1b[1~b\x1bOFc\x1b[4~\x1b[A\x1bOD\x1b[1;5C"))
	require.Equal(t, "a\x1b[Hb\x1b[Fc\x1b[F\x1b[A\x1b[D\x1b[1;3C", string(out))
	require.Nil(t, rest)
	out, rest = translateKeys([]byte("x\x1b[1"))
	require.Equal(t, "x", string(out))
	require.Equal(t, "\x1b[1", string(rest), "a sequence cut by the read is held back")
	out, rest = translateKeys([]byte("\x1b[Zq"))
	require.Equal(t, "\x1b[Zq", string(out), "unknown sequences pass through")
	require.Nil(t, rest)
}

// TestKeyReader feeds a terminal's bytes one at a time, as a slow line
// might deliver them: sequences cut by reads are still translated.
func TestKeyReader(t *testing.T) {
	in := "ls\x1b[1~x\x1bOF\x1b[3~\r"
	got, err := io.ReadAll(&keyReader{r: iotest.OneByteReader(strings.NewReader(in))})
	require.NoError(t, err)
	require.Equal(t, "ls\x1b[Hx\x1b[F\x1b[3~\r", string(got))
	got, err = io.ReadAll(&keyReader{r: strings.NewReader("a\x1b")})
	require.NoError(t, err)
	require.Equal(t, "a\x1b", string(got), "a lone escape at the end is passed on")
}
