package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// corral.trace.* configure the actor-trace recorder: on and recording every
// request by default; bad values stop start-up naming the key.
func TestTraceKeys(t *testing.T) {
	base := "dataDir=$DATA\nclientPort=2181\n"
	require.Equal(t, Trace{Enabled: true, Sample: 1}, Default().Trace)
	require.Equal(t, Trace{Enabled: true, Sample: 1}, mustParse(t, base, "").Trace)
	c := mustParse(t, base+"corral.trace.enabled=false\ncorral.trace.sample=100\ncorral.trace.ringSize=4096\n", "")
	require.Equal(t, Trace{Enabled: false, Sample: 100, RingSize: 4096}, c.Trace)
	require.Equal(t, map[string]string{"trace.enabled": "false", "trace.sample": "100", "trace.ringSize": "4096"}, c.Corral)

	for _, bad := range []struct{ line, want string }{
		{"corral.trace.enabled=yes", `zoo.cfg: corral.trace.enabled: "yes" is not a boolean`},
		{"corral.trace.sample=0", `zoo.cfg: corral.trace.sample: "0" is not a sampling rate`},
		{"corral.trace.sample=often", `zoo.cfg: corral.trace.sample: "often" is not a number`},
		{"corral.trace.ringSize=-1", `zoo.cfg: corral.trace.ringSize: "-1" is not a ring size`},
	} {
		_, _, err := parseIn(t, base+bad.line+"\n", "")
		require.ErrorContains(t, err, bad.want, bad.line)
	}
}
