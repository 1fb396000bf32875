package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/tests/harness"
)

// testAdmin: `corral admin HOST:PORT CMD` prints exactly the server's
// answer to the four-letter word, for Apache and for the server under
// test.
func testAdmin(t *testing.T, apache, target *harness.Server) {
	bin := harness.BuildCorral(t)
	admin := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, append([]string{"admin"}, args...)...)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return out.String(), errb.String(), code
	}
	for _, s := range []*harness.Server{apache, target} {
		out, _, code := admin(s.Addr, "ruok")
		require.Equal(t, 0, code)
		require.Equal(t, "imok", out, s.Name)
		want, err := s.FourLetter("conf")
		require.NoError(t, err)
		out, _, code = admin(s.Addr, "conf")
		require.Equal(t, 0, code)
		require.Equal(t, want, out, "conf of %s", s.Name)
		out, _, _ = admin(s.Addr, "srvr")
		require.Contains(t, out, "Mode: standalone", s.Name)
		out, _, _ = admin(s.Addr, "mntr")
		require.Contains(t, out, "zk_server_state\tstandalone", s.Name)
	}
	_, errOut, code := admin(target.Addr, "nope")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, `"nope" is not a four-letter word`)
	_, errOut, code = admin("127.0.0.1:1", "ruok")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "connection refused")
	_, errOut, code = admin(target.Addr)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "usage: corral admin")
}
