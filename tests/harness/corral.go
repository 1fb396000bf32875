package harness

import (
	"os"
	"testing"
)

// TargetEnv names the environment variable that selects the server under
// test for StartTarget: unset or "corral" runs Corral, "apache" runs Apache
// ZooKeeper instead, which validates the tests themselves against the oracle.
const TargetEnv = "CORRAL_TARGET"

// StartCorral builds (once) and starts `corral server --config zoo.cfg` with
// the same zoo.cfg Apache would get.
func StartCorral(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := BuildCorral(t)
	return newServer(t, "corral", opts, func(s *Server) []string {
		return []string{bin, "server", "--config", s.ConfigPath}
	})
}

// StartTarget starts the server under test: Corral, or Apache when
// CORRAL_TARGET=apache.
func StartTarget(t testing.TB, opts Options) *Server {
	t.Helper()
	switch v := os.Getenv(TargetEnv); v {
	case "", "corral":
		return StartCorral(t, opts)
	case "apache":
		return StartApache(t, opts)
	default:
		t.Fatalf("harness: %s=%q: want corral or apache", TargetEnv, v)
		return nil
	}
}
