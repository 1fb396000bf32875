package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadProperties(t *testing.T) {
	type kv struct{ k, v string }
	cases := []struct {
		name string
		in   string
		want []kv
	}{
		{"equals", "a=b", []kv{{"a", "b"}}},
		{"blanks around equals", "a = b", []kv{{"a", "b"}}},
		{"colon", "a: b", []kv{{"a", "b"}}},
		{"blank separator", "a b", []kv{{"a", "b"}}},
		{"blank then equals", "a \t = b", []kv{{"a", "b"}}},
		{"trailing blanks kept by Properties", "a=b  ", []kv{{"a", "b  "}}},
		{"leading blanks on the line", "   \ta=b", []kv{{"a", "b"}}},
		{"comments and blank lines", "# c1\n\n  ! c2\n\t\na=1\n", []kv{{"a", "1"}}},
		{"comment ending in backslash does not continue", "# c \\\na=1", []kv{{"a", "1"}}},
		{"continuation drops next line's indent", "a=b\\\n     c", []kv{{"a", "bc"}}},
		{"continuation across three lines", "a=1,\\\n 2,\\\n 3", []kv{{"a", "1,2,3"}}},
		{"even backslashes do not continue", "a=b\\\\\nc=d", []kv{{"a", "b\\"}, {"c", "d"}}},
		{"backslash at end of file is dropped", "a=b\\", []kv{{"a", "b"}}},
		{"empty continuation line ends the value", "a=1\\\n\nb=2", []kv{{"a", "1"}, {"b", "2"}}},
		{"continued line starting with # is not a comment", "a=1\\\n# x", []kv{{"a", "1# x"}}},
		{"escaped blanks in key", "key\\ with\\ blanks=v", []kv{{"key with blanks", "v"}}},
		{"escaped separator in key", "a\\=b=c", []kv{{"a=b", "c"}}},
		{"second separator belongs to value", "a==b", []kv{{"a", "=b"}}},
		{"colons in value", "server.1=h:2888:3888", []kv{{"server.1", "h:2888:3888"}}},
		{"key only", "a", []kv{{"a", ""}}},
		{"empty value", "a=", []kv{{"a", ""}}},
		{"empty key", "=b", []kv{{"", "b"}}},
		{"escapes", `a=\t\n\r\f\q\\`, []kv{{"a", "\t\n\r\fq\\"}}},
		{"unicode escape", `a=\u0041\u00e9`, []kv{{"a", "Aé"}}},
		{"surrogate pair", `a=\uD83D\uDE00`, []kv{{"a", "😀"}}},
		{"UTF-8 bytes kept", "a=/données", []kv{{"a", "/données"}}},
		{"CRLF and CR line ends", "a=1\r\nb=2\rc=3\r\n", []kv{{"a", "1"}, {"b", "2"}, {"c", "3"}}},
		{"CRLF continuation", "a=1\\\r\n  2", []kv{{"a", "12"}}},
		{"repeated key: both returned in order", "a=1\na=2", []kv{{"a", "1"}, {"a", "2"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props, err := readProperties([]byte(tc.in))
			require.NoError(t, err)
			var got []kv
			for _, p := range props {
				got = append(got, kv{p.key, p.value})
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestReadPropertiesLineNumbers(t *testing.T) {
	props, err := readProperties([]byte("# c\n\na=1\\\n  2\nb=3\r\nc=4"))
	require.NoError(t, err)
	require.Equal(t, []property{{"a", "12", 3}, {"b", "3", 5}, {"c", "4", 6}}, props)
}

func TestReadPropertiesMalformedUnicode(t *testing.T) {
	for _, in := range []string{`a=\u12`, `a=\u12G4`, `\uZZZZ=1`} {
		_, err := readProperties([]byte("# c\n" + in))
		require.EqualError(t, err, `line 2: malformed \uxxxx encoding`, in)
	}
}
