package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPprofServesProfiles starts the --pprof endpoints on a free port and
// reads the heap profile in text form, which the performance pass uses for
// allocations per request (its MemStats footer).
func TestPprofServesProfiles(t *testing.T) {
	addr, stop, err := startPprof("127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "# Mallocs = ") {
		t.Fatalf("status %d, body without MemStats:\n%.300s", resp.StatusCode, body)
	}
	stop()
	if _, err := client.Get("http://" + addr + "/debug/pprof/"); err == nil {
		t.Fatal("pprof still served after stop")
	}
}
