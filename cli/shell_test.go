package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestShellWithoutSession runs the shell's own commands with no session,
// where zkCli's fall-through to "Not connected" shows: the local part of a
// command runs, then the connection check prints.
func TestShellWithoutSession(t *testing.T) {
	var out, errb bytes.Buffer
	s := newShell(&out, &errb, Options{})
	s.host = "h:1"
	step := func(line, wantOut, wantErr string, wantCode int) {
		t.Helper()
		out.Reset()
		errb.Reset()
		s.executeLine(line)
		require.Equal(t, wantOut, out.String(), "stdout of %q", line)
		require.Equal(t, wantErr, errb.String(), "stderr of %q", line)
		require.Equal(t, wantCode, s.exitCode, "exit code after %q", line)
	}
	require.Equal(t, "[zk: h:1(CLOSED) 0] ", s.prompt())
	step("ls /", "Not connected\n", "", 0)
	step("printwatches", "printwatches is on\nNot connected\n", "", 0)
	step("printwatches off", "Not connected\n", "", 0)
	step("printwatches", "printwatches is off\nNot connected\n", "", 0)
	step("redo 9", "", "Command index out of range\n", 1)
	step("redo x", "", "java.lang.NumberFormatException: For input string: \"x\"\n", 1)
	step("redo 0", "Not connected\nNot connected\n", "", 0) // the old line, then redo itself
	step("redo 5", "", "No redoing redos\n", 1)
	step("history", "0 - ls /\n1 - printwatches\n2 - printwatches off\n3 - printwatches\n4 - redo 9\n5 - redo x\n6 - ls /\n7 - redo 5\n8 - history\nNot connected\n", "", 0)
	out.Reset()
	errb.Reset()
	s.executeLine("nosuch")
	require.Equal(t, 127, s.exitCode)
	require.True(t, strings.HasPrefix(errb.String(), "ZooKeeper -server host:port -client-configuration properties-file cmd args\n\taddWatch "), errb.String())
	require.True(t, strings.HasSuffix(errb.String(), "\twhoami \nCommand not found: Command not found nosuch\n"), errb.String())
	step("", "", "", 127) // an empty line is not a command
	require.Equal(t, "[zk: h:1(CLOSED) 10] ", s.prompt())
	s.executeLine("quit")
	require.True(t, s.quit)
	require.Equal(t, 127, s.exitCode, "quit keeps the exit code of the command before it")
}

func TestParseArgs(t *testing.T) {
	var errb bytes.Buffer
	o, words, action := parseArgs([]string{"-server", "h:1/x", "-timeout", "5000", "-r", "-foo", "-waitforconnection", "ls", "-R", "/"}, &errb)
	require.Equal(t, runShell, action)
	require.Equal(t, Options{Server: "h:1/x", Timeout: 5 * time.Second, ReadOnly: true, WaitForConnection: true}, o)
	require.Equal(t, []string{"ls", "-R", "/"}, words)
	require.Empty(t, errb.String())

	o, words, action = parseArgs(nil, &errb)
	require.Equal(t, runShell, action)
	require.Nil(t, words)
	require.Equal(t, Options{Server: "localhost:2181", Timeout: 30 * time.Second}, o)

	_, words, action = parseArgs([]string{"-server"}, &errb)
	require.Equal(t, runShell, action, "zkCli starts its shell anyway")
	require.Nil(t, words)
	require.Equal(t, "Error: no argument found for option -server\n", errb.String())

	_, _, action = parseArgs([]string{"-timeout", "soon"}, &errb)
	require.Equal(t, badArgs, action)
	_, _, action = parseArgs([]string{"-h"}, &errb)
	require.Equal(t, showUsage, action)
}
