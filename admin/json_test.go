package admin

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Strings escape what Jackson escapes and nothing else (no HTML escaping,
// UTF-8 kept); the result is valid JSON that decodes to the input.
func TestStringEscaping(t *testing.T) {
	for _, s := range []string{"plain", `q"uote`, `back\slash`, "tab\tnl\ncr\rbs\bff\f", "\x01\x1f", "<&>/", "héllo ✓"} {
		out := Marshal(s)
		var back string
		require.NoError(t, json.Unmarshal(out, &back), string(out))
		require.Equal(t, s, back)
	}
	require.Equal(t, `"<&>/"`, string(Marshal("<&>/")))
	require.Equal(t, `"\u0001"`, string(Marshal("\x01")))
	require.Equal(t, `"a\nb"`, string(Marshal("a\nb")))
}

// Doubles print as Java's Double.toString, so they always read back as
// floating point; NaN and infinities become strings, as Jackson quotes
// non-numeric numbers.
func TestDoubles(t *testing.T) {
	cases := map[float64]string{0: "0.0", 2.875: "2.875", 1: "1.0", 1e7: "1.0E7", 1.5e-4: "1.5E-4",
		0.001: "0.001", -3.25: "-3.25", 123456.5: "123456.5"}
	for v, want := range cases {
		require.Equal(t, want, string(Marshal(Double(v))), "%v", v)
	}
	require.Equal(t, `"NaN"`, string(Marshal(Double(math.NaN()))))
	require.Equal(t, `"-Infinity"`, string(Marshal(Double(math.Inf(-1)))))
}

// Jackson's layout: nested objects indented by two spaces, arrays on one
// line, empty containers with a space inside.
func TestLayout(t *testing.T) {
	v := Object{{"a", Object{{"b", []any{Object{{"c", int64(1)}}, Object{}}}}}, {"e", []string{}}, {"n", nil}}
	require.Equal(t, "{\n  \"a\" : {\n    \"b\" : [ {\n      \"c\" : 1\n    }, { } ]\n  },\n  \"e\" : [ ],\n  \"n\" : null\n}",
		string(Marshal(v)))
	var anyv any
	require.NoError(t, json.Unmarshal(Marshal(v), &anyv))
}

// Put keeps a replaced key where it was, as a LinkedHashMap does, which is
// what places "error" before "command" in some of Apache's answers.
func TestObjectPutKeepsPosition(t *testing.T) {
	var o Object
	o.Put("x", 1)
	o.Put("y", 2)
	o.Put("x", 3)
	require.Equal(t, Object{{"x", 3}, {"y", 2}}, o)
}
