package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func startServer(t *testing.T, src Source, opts Options) string {
	t.Helper()
	opts.Addr = "127.0.0.1:0"
	s := New(src, opts)
	require.NoError(t, s.Start())
	t.Cleanup(func() { require.NoError(t, s.Stop()) })
	return "http://" + s.Addr().String()
}

// The URLs behave as Jetty's: the index lists the commands as Apache's
// does, commands answer 200 with JSON (errors too), query parameters are
// the commands' arguments, other paths are 404 and only GET is served.
func TestHTTPRoutes(t *testing.T) {
	base := startServer(t, apacheState(t), Options{})

	code, _, body := get(t, base+"/commands")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, apacheFile(t, "index.html"), body)
	_, _, slash := get(t, base+"/commands/")
	require.Equal(t, body, slash)

	code, hdr, body := get(t, base+"/commands/ruok")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "application/json", hdr.Get("Content-Type"))
	require.Equal(t, apacheFile(t, "ruok.json"), body)

	code, _, body = get(t, base+"/commands/stmk?traceMask=306&traceMask=1")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, apacheFile(t, "set_trace_mask_ok.json"), body)

	code, _, body = get(t, base+"/commands/a/b")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"error" : "Unknown command: a/b"`)

	code, _, _ = get(t, base+"/other")
	require.Equal(t, http.StatusNotFound, code)

	resp, err := http.Post(base+"/commands/ruok", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// A non-default admin.commandURL moves the commands, not the probes.
func TestCommandURL(t *testing.T) {
	base := startServer(t, apacheState(t), Options{CommandURL: "/zk/cmd/"})
	code, _, body := get(t, base+"/zk/cmd/ruok")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, apacheFile(t, "ruok.json"), body)
	_, _, index := get(t, base+"/zk/cmd")
	require.Contains(t, index, `<a href="/zk/cmd/zabstate">zabstate</a>`)
	code, _, _ = get(t, base+"/commands/ruok")
	require.Equal(t, http.StatusNotFound, code)
	code, _, _ = get(t, base+"/ready")
	require.Equal(t, http.StatusOK, code)
}

// /ready follows Serving; /live follows the Live check.
func TestProbes(t *testing.T) {
	src := apacheState(t)
	var liveErr error
	base := startServer(t, src, Options{Live: func(ctx context.Context) error {
		_, ok := ctx.Deadline()
		require.True(t, ok, "the live check gets a deadline")
		return liveErr
	}})

	code, _, body := get(t, base+"/ready")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "{\n  \"status\" : \"serving\"\n}", body)
	src.notServing = true
	code, _, body = get(t, base+"/ready")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, NotServing)

	code, _, _ = get(t, base+"/live")
	require.Equal(t, http.StatusOK, code)
	liveErr = errors.New("the server's actors do not answer")
	code, _, body = get(t, base+"/live")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Contains(t, body, "do not answer")
}

// Listening on a taken port fails Start with the key to fix.
func TestStartPortTaken(t *testing.T) {
	s := New(apacheState(t), Options{Addr: "127.0.0.1:0"})
	require.NoError(t, s.Start())
	defer s.Stop()
	again := New(apacheState(t), Options{Addr: s.Addr().String(), IdleTimeout: time.Second})
	err := again.Start()
	require.ErrorContains(t, err, "admin.serverPort")
}
