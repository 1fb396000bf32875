package server

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/config"
)

// testConfig is a standalone server on loopback ports with its own data;
// the admin server is off unless a test turns it on.
func testConfig(t *testing.T) *config.Config {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DataLogDir = cfg.DataDir
	cfg.ClientPort = 0
	cfg.ClientPortAddress = "127.0.0.1"
	cfg.FourLetterWhitelist = "*"
	cfg.AdminEnableServer = false
	return cfg
}

func startServer(t *testing.T, cfg *config.Config) (*Server, error) {
	srv, err := New(Options{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	if err := srv.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(srv.Stop)
	return srv, nil
}

// occupied holds a loopback port for the test.
func occupied(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// An admin port named in zoo.cfg that cannot be bound stops the start, as
// in Apache; the unrequested default (8080) only warns.
func TestAdminPortTaken(t *testing.T) {
	port := occupied(t)
	cfg := testConfig(t)
	cfg.AdminEnableServer = true
	cfg.AdminServerAddress = "127.0.0.1"
	cfg.AdminServerPort = port
	cfg.InitialConfig = fmt.Sprintf("admin.serverPort=%d\n", port)
	_, err := startServer(t, cfg)
	require.ErrorContains(t, err, "admin.serverPort")

	cfg = testConfig(t)
	cfg.AdminEnableServer = true
	cfg.AdminServerAddress = "127.0.0.1"
	cfg.AdminServerPort = port // as if 8080 were taken by another program
	srv, err := startServer(t, cfg)
	require.NoError(t, err)
	require.Nil(t, srv.AdminAddr())
}

// A metrics port that cannot be bound stops the start.
func TestMetricsPortTaken(t *testing.T) {
	cfg := testConfig(t)
	cfg.MetricsProviderClassName = config.PrometheusMetricsProvider
	cfg.MetricsHTTPHost = "127.0.0.1"
	cfg.MetricsHTTPPort = occupied(t)
	_, err := startServer(t, cfg)
	require.ErrorContains(t, err, "metricsProvider.httpPort")
}

func fourLetter(t *testing.T, addr, cmd string) string {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = nc.Write([]byte(cmd))
	require.NoError(t, err)
	b, err := io.ReadAll(nc)
	require.NoError(t, err)
	return string(b)
}

func mntrValues(t *testing.T, out string) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "\t")
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			m[k] = n
		}
	}
	return m
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// Requests are timed where their replies are queued: srvr, mntr and cons
// report latencies, response sizes and last operations, and srst and crst
// reset them.
func TestRequestLatencyIsReported(t *testing.T) {
	srv, err := startServer(t, testConfig(t))
	require.NoError(t, err)
	addr := srv.Addr().String()
	c, ev, err := zk.Connect([]string{addr}, 5*time.Second, zk.WithLogger(quietLogger{}))
	require.NoError(t, err)
	defer c.Close()
	for e := range ev {
		if e.State == zk.StateHasSession {
			break
		}
	}
	_, err = c.Create("/lat", []byte("v"), 0, zk.WorldACL(zk.PermAll))
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		_, _, err = c.Get("/lat")
		require.NoError(t, err)
	}

	m := mntrValues(t, fourLetter(t, addr, "mntr"))
	require.Equal(t, int64(20), m["zk_cnt_readlatency"])
	require.Equal(t, int64(2), m["zk_cnt_updatelatency"], "createSession and create")
	require.Equal(t, int64(16+4+len("v")+68), m["zk_last_client_response_size"], "a getData reply: header, data, stat")
	require.Equal(t, m["zk_max_client_response_size"], m["zk_last_client_response_size"])

	cons := fourLetter(t, addr, "cons")
	require.Contains(t, cons, "lop=GETD")
	require.Contains(t, cons, "lcxid=0x15") // 21 requests after the handshake
	require.Contains(t, cons, ",to=5000,")

	srvr := fourLetter(t, addr, "srvr")
	require.Contains(t, srvr, "Latency min/avg/max: ")

	fourLetter(t, addr, "srst")
	m = mntrValues(t, fourLetter(t, addr, "mntr"))
	require.Zero(t, m["zk_cnt_readlatency"])
	require.Equal(t, int64(-1), m["zk_last_client_response_size"])
	fourLetter(t, addr, "crst")
	require.Contains(t, fourLetter(t, addr, "cons"), "lop=NA")
}

// The admin API and /metrics answer while clients work and while the
// server stops (run with -race to check the snapshot paths).
func TestObservabilityUnderLoad(t *testing.T) {
	cfg := testConfig(t)
	cfg.AdminEnableServer = true
	cfg.AdminServerAddress = "127.0.0.1"
	cfg.AdminServerPort = 0
	cfg.MetricsProviderClassName = config.PrometheusMetricsProvider
	cfg.MetricsHTTPHost = "127.0.0.1"
	cfg.MetricsHTTPPort = 0
	srv, err := startServer(t, cfg)
	require.NoError(t, err)
	admin := "http://" + srv.AdminAddr().String()
	urls := []string{admin + "/commands/mntr", admin + "/commands/cons", admin + "/commands/dump",
		admin + "/commands/wchc", admin + "/commands/stat", admin + "/commands/crst", admin + "/commands/srst",
		admin + "/ready", admin + "/live", "http://" + srv.MetricsAddr().String() + "/metrics"}

	c, ev, err := zk.Connect([]string{srv.Addr().String()}, 5*time.Second, zk.WithLogger(quietLogger{}))
	require.NoError(t, err)
	defer c.Close()
	for e := range ev {
		if e.State == zk.StateHasSession {
			break
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			p := fmt.Sprintf("/load-%d", i)
			if _, err := c.Create(p, []byte("x"), zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
				return
			}
			_, _, _, _ = c.GetW(p)
		}
	}()
	client := http.Client{Timeout: 10 * time.Second}
	for round := 0; round < 5; round++ {
		for _, u := range urls {
			resp, err := client.Get(u)
			require.NoError(t, err, u)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode, u)
		}
	}
	<-done
	scraping := make(chan struct{})
	go func() {
		defer close(scraping)
		for _, u := range urls {
			if resp, err := client.Get(u); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
	}()
	srv.Stop()
	<-scraping
	_, err = client.Get(admin + "/ready")
	require.Error(t, err, "the admin port closes with the server")
}
