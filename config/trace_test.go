package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// corral.trace.* configure the actor-trace recorder: on and recording every
// request by default; bad values stop start-up naming the key.
func TestTraceKeys(t *testing.T) {
	base := "dataDir=$DATA\nclientPort=2181\n"
	require.Equal(t, Trace{Enabled: true, Sample: 1, SlowRequestMs: 1000}, Default().Trace)
	require.Equal(t, Trace{Enabled: true, Sample: 1, SlowRequestMs: 1000}, mustParse(t, base, "").Trace)
	c := mustParse(t, base+"corral.trace.enabled=false\ncorral.trace.sample=100\ncorral.trace.ringSize=4096\n", "")
	require.Equal(t, Trace{Enabled: false, Sample: 100, RingSize: 4096, SlowRequestMs: 1000}, c.Trace)
	require.Equal(t, 0, mustParse(t, base+"corral.trace.slowRequestMs=0\n", "").Trace.SlowRequestMs)
	require.Equal(t, 50, mustParse(t, base+"corral.trace.slowRequestMs=50\n", "").Trace.SlowRequestMs)
	require.Equal(t, map[string]string{"trace.enabled": "false", "trace.sample": "100", "trace.ringSize": "4096"}, c.Corral)

	for _, bad := range []struct{ line, want string }{
		{"corral.trace.enabled=yes", `zoo.cfg: corral.trace.enabled: "yes" is not a boolean`},
		{"corral.trace.sample=0", `zoo.cfg: corral.trace.sample: "0" is not a sampling rate`},
		{"corral.trace.sample=often", `zoo.cfg: corral.trace.sample: "often" is not a number`},
		{"corral.trace.ringSize=-1", `zoo.cfg: corral.trace.ringSize: "-1" is not a ring size`},
		{"corral.trace.slowRequestMs=-5", `zoo.cfg: corral.trace.slowRequestMs: "-5" is not a threshold`},
	} {
		_, _, err := parseIn(t, base+bad.line+"\n", "")
		require.ErrorContains(t, err, bad.want, bad.line)
	}
}

// corral.trace.otlpFile and corral.trace.otlpEndpoint turn on OTLP export;
// an endpoint must be an http(s) URL.
func TestTraceOTLPKeys(t *testing.T) {
	base := "dataDir=$DATA\nclientPort=2181\n"
	c := mustParse(t, base+"corral.trace.otlpFile=/var/log/corral/traces.jsonl\n"+
		"corral.trace.otlpEndpoint=http://collector:4318/v1/traces\n", "")
	require.Equal(t, Trace{Enabled: true, Sample: 1, SlowRequestMs: 1000, OTLPFile: "/var/log/corral/traces.jsonl",
		OTLPEndpoint: "http://collector:4318/v1/traces"}, c.Trace)
	for _, bad := range []string{"collector:4318", "ftp://collector/v1/traces", "http://"} {
		_, _, err := parseIn(t, base+"corral.trace.otlpEndpoint="+bad+"\n", "")
		require.ErrorContains(t, err, "corral.trace.otlpEndpoint: \""+bad+"\" is not an http(s) URL", bad)
	}
}
