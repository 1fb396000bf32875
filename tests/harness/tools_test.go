package harness

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// recordingTB captures Skipf/Fatalf instead of stopping the test.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
}

func TestMissingToolSkipsOutsideCIAndFailsInCI(t *testing.T) {
	cases := []struct {
		name        string
		ci          string
		wantSkipped bool
	}{
		{"developer machine", "", true},
		{"CI", "true", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(ciEnvVariable, c.ci)
			var check toolCheck
			tb := &recordingTB{TB: t}
			check.require(tb, func() string { return "/usr/bin/java" })
			msg := tb.failed
			if c.wantSkipped {
				msg = tb.skipped
				require.Empty(t, tb.failed)
			} else {
				require.Empty(t, tb.skipped)
			}
			require.Contains(t, msg, "/usr/bin/java")
			require.Contains(t, msg, "tests/install-deps.sh")
		})
	}
}

func TestPresentToolsPass(t *testing.T) {
	t.Setenv(ciEnvVariable, "true")
	var check toolCheck
	tb := &recordingTB{TB: t}
	calls := 0
	probe := func() string { calls++; return "" }
	check.require(tb, probe)
	check.require(tb, probe)
	require.Empty(t, tb.failed+tb.skipped)
	require.Equal(t, 1, calls, "tools are probed once per process")
}
