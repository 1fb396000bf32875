// Package integration drives an in-process Corral server over TCP with the
// go-zookeeper client: every operation, error, stat field, watch trigger,
// multi and the session life cycle.
package integration

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/corral-zk/corral/actors/server"
	"github.com/corral-zk/corral/config"
	"github.com/corral-zk/corral/supervision"
	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"
)

type env struct {
	srv  *server.Server
	addr string
	cfg  *config.Config
}

func start(t *testing.T, mutate ...func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DataLogDir = cfg.DataDir // Default() set it to ./data: keep the log private to the test too
	cfg.ClientPort = 0
	cfg.ClientPortAddress = "127.0.0.1"
	cfg.TickTime = 200
	cfg.AdminEnableServer = false // many servers in one process: no shared 8080
	cfg.MinSessionTimeout = 400
	cfg.MaxSessionTimeout = 4000
	for _, m := range mutate {
		m(cfg)
	}
	srv, err := server.New(server.Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Hooks: &supervision.CrashHooks{}})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(srv.Stop)
	return &env{srv: srv, addr: srv.Addr().String(), cfg: cfg}
}

func (e *env) connect(t *testing.T) (*zk.Conn, <-chan zk.Event) {
	t.Helper()
	c, ev, err := zk.Connect([]string{e.addr}, 2*time.Second, zk.WithLogger(quiet{}))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	waitConnected(t, ev)
	return c, ev
}

func waitConnected(t *testing.T, ev <-chan zk.Event) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-ev:
			if e.State == zk.StateHasSession {
				return
			}
		case <-deadline:
			t.Fatal("no session within 5s")
		}
	}
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}

func nextEvent(t *testing.T, ch <-chan zk.Event) zk.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no watch event within 5s")
	}
	return zk.Event{}
}
