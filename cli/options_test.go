package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The behaviour of commons-cli's DefaultParser that zkCli users meet.
func TestParseOptions(t *testing.T) {
	specs := []optSpec{{"s", false}, {"w", false}, {"v", true}}
	ok := func(words ...string) *cmdLine {
		t.Helper()
		cl, err := parseOptions(specs, words)
		require.NoError(t, err, "%q", words)
		return cl
	}
	cl := ok("set", "-s", "-v", "3", "/a", "x")
	require.Equal(t, []string{"set", "/a", "x"}, cl.args)
	require.True(t, cl.has("s"))
	require.Equal(t, "3", cl.value("v"))

	cl = ok("set", "-sv3", "/a", "x") // concatenated, value attached
	require.True(t, cl.has("s"))
	require.Equal(t, "3", cl.value("v"))
	require.Equal(t, "5", ok("set", "-v=5", "/a").value("v"))
	require.Equal(t, "-1", ok("set", "-v", "-1", "/a").value("v"), "a negative number is a value")
	require.Equal(t, `x`, ok("set", "-v", `"x"`, "/a").value("v"), "quotes around a value go")
	require.Equal(t, []string{"get", "/a", "-s"}, ok("get", "--", "/a", "-s").args, "-- ends the options")
	require.Equal(t, []string{"get", "-", "/a"}, ok("get", "-", "/a").args)
	require.Equal(t, []string{"s", "w", "v"}, ok("x", "-sw", "-v", "1").order)

	for words, msg := range map[*[]string]string{
		{"ls", "-x", "/"}:         "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x",
		{"ls", "-sx", "/"}:        "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -sx",
		{"ls", "--long", "/"}:     "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: --long",
		{"set", "/a", "-1"}:       "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -1",
		{"set", "-v"}:             "org.apache.commons.cli.MissingArgumentException: Missing argument for option: v",
		{"set", "-v", "-s", "/a"}: "org.apache.commons.cli.MissingArgumentException: Missing argument for option: v",
	} {
		_, err := parseOptions(specs, *words)
		require.EqualError(t, err, msg, "%q", *words)
	}

	// Multi-letter options, as reconfig has.
	cl, err := parseOptions(reconfigSpecs, []string{"reconfig", "-add", "1=h:1:2;3", "-s"})
	require.NoError(t, err)
	require.Equal(t, "1=h:1:2;3", cl.value("add"))
	require.True(t, cl.has("s"))
}

func TestDecodeInt(t *testing.T) {
	for s, want := range map[string]int{"12": 12, "-3": -3, "+4": 4, "0x1f": 31, "#10": 16, "010": 8, "0": 0} {
		got, err := decodeInt(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, s := range []string{"x", "", "0x", "1e3", "99999999999", "--1"} {
		_, err := decodeInt(s)
		require.Error(t, err, s)
	}
	_, err := decodeInt("x")
	require.EqualError(t, err, `java.lang.NumberFormatException: For input string: "x"`)
}
