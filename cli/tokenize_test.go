package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Words as zkCli's ARGS_PATTERN/QUOTED_PATTERN split them, including the
// odd cases checked live against zkCli.sh 3.8 (an unterminated quote is
// skipped, quotes inside a word stay).
func TestSplitLine(t *testing.T) {
	cases := map[string][]string{
		`ls /`:                         {"ls", "/"},
		`  ls   /a  `:                  {"ls", "/a"},
		`create /a "hello world"`:      {"create", "/a", "hello world"},
		`create /a 'x y' acl`:          {"create", "/a", "x y", "acl"},
		`create "/q q" "a b"`:          {"create", "/q q", "a b"},
		`create /qq "a b`:              {"create", "/qq", "a", "b"},
		`ls "/`:                        {"ls", "/"},
		`set /a x"y"z`:                 {"set", "/a", `x"y"z`},
		`set /a ""`:                    {"set", "/a", ""},
		`set /a "it's"`:                {"set", "/a", "it's"},
		"get\t/a":                      {"get", "/a"},
		``:                             nil,
		`   `:                          {" "}, // Java's \s* backtracks and [^"'] takes a blank
		`create /a "x" world:anyone:r`: {"create", "/a", "x", "world:anyone:r"},
	}
	for line, want := range cases {
		require.Equal(t, want, splitLine(line), "%q", line)
	}
}
