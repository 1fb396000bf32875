package gossip

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/corral-zk/corral/messages"
	"github.com/stretchr/testify/require"
)

func freePort(t *testing.T) string {
	// memberlist needs the same port free for TCP and UDP.
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		pc, err := net.ListenPacket("udp", addr)
		ln.Close()
		if err == nil {
			pc.Close()
			return addr
		}
	}
	t.Fatal("no free tcp+udp port")
	return ""
}

type recorder struct {
	mu     sync.Mutex
	events []*messages.MemberEvent
}

func (r *recorder) add(e *messages.MemberEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *recorder) has(kind messages.MemberEvent_Kind, sid int64, state string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.events {
		if e.Kind == kind && e.Member.Sid == sid && (state == "" || e.Member.State == state) {
			return true
		}
	}
	return false
}

// Three configured servers and an observer nobody configured find each
// other from the seed list; metadata changes spread; a server that stops is
// reported as gone.
func TestServersAndAnUnconfiguredObserverFindEachOther(t *testing.T) {
	addrs := []string{freePort(t), freePort(t), freePort(t)}
	rec := &recorder{}
	var gs []*Gossip
	for i, a := range addrs {
		g, err := Start(Config{Bind: a, Seeds: addrs, Fast: true, Events: rec.add,
			Meta: &messages.MemberMeta{Sid: int64(i + 1), Role: "participant", State: "looking"}})
		require.NoError(t, err)
		gs = append(gs, g)
	}
	obs, err := Start(Config{Bind: freePort(t), Seeds: addrs[:1], Fast: true,
		Meta: &messages.MemberMeta{Sid: 10, Role: "observer", State: "observing", ClientAddr: "127.0.0.1:3000"}})
	require.NoError(t, err)
	defer obs.Stop()

	require.Eventually(t, func() bool {
		for _, g := range gs {
			if len(g.Members()) != 4 {
				return false
			}
		}
		return true
	}, 10*time.Second, 50*time.Millisecond, "every server sees all four members")
	require.True(t, rec.has(messages.MemberEvent_JOIN, 10, "observing"))

	require.NoError(t, gs[0].SetMeta(&messages.MemberMeta{Sid: 1, Role: "participant", State: "leading", Leader: 1}))
	require.Eventually(t, func() bool { return rec.has(messages.MemberEvent_UPDATE, 1, "leading") },
		10*time.Second, 50*time.Millisecond, "a metadata change spreads")

	gs[2].Stop()
	require.Eventually(t, func() bool { return rec.has(messages.MemberEvent_LEAVE, 3, "") },
		10*time.Second, 50*time.Millisecond, "a stopped server is reported")
	gs[0].Stop()
	gs[1].Stop()
}

func TestBadBindAddressIsAnError(t *testing.T) {
	_, err := Start(Config{Bind: "nonsense", Meta: &messages.MemberMeta{Sid: 1}})
	require.Error(t, err)
}

// An observer started while its seeds are down joins them once they are up
// (memberlist does not retry a join by itself), and a change made with
// Update reaches the others without the caller waiting for it.
func TestAnObserverStartedBeforeItsSeedsJoinsThemLater(t *testing.T) {
	seed := freePort(t)
	rec := &recorder{}
	obs, err := Start(Config{Bind: freePort(t), Seeds: []string{seed}, Fast: true,
		Meta: &messages.MemberMeta{Sid: 10, Role: "observer", State: "looking"}})
	require.NoError(t, err)
	defer obs.Stop()
	require.Len(t, obs.Members(), 1, "alone while its seed is down")

	srv, err := Start(Config{Bind: seed, Seeds: []string{seed}, Fast: true, Events: rec.add,
		Meta: &messages.MemberMeta{Sid: 1, Role: "participant", State: "leading"}})
	require.NoError(t, err)
	defer srv.Stop()
	require.Eventually(t, func() bool { return len(srv.Members()) == 2 && len(obs.Members()) == 2 },
		20*time.Second, 50*time.Millisecond, "the observer joined its seed once it was up")
	require.True(t, rec.has(messages.MemberEvent_JOIN, 10, "looking"))

	require.NoError(t, obs.Update(&messages.MemberMeta{Sid: 10, Role: "observer", State: "observing", Leader: 1}))
	require.Equal(t, "observing", obs.Meta().GetState())
	require.Eventually(t, func() bool { return rec.has(messages.MemberEvent_UPDATE, 10, "observing") },
		20*time.Second, 50*time.Millisecond, "the update spread")
	nodes := srv.Nodes()
	require.Len(t, nodes, 2)
	require.Equal(t, int64(1), nodes[0].Meta.GetSid())
	require.Equal(t, "sid-10", nodes[1].Name)
	require.Equal(t, "alive", nodes[1].State)
}

func TestResolveIP(t *testing.T) {
	for _, h := range []string{"", "127.0.0.1", "::1", "0.0.0.0"} {
		got, err := resolveIP(h)
		if err != nil || got != h {
			t.Fatalf("resolveIP(%q) = %q, %v; want it unchanged", h, got, err)
		}
	}
	got, err := resolveIP("localhost")
	if err != nil || net.ParseIP(got) == nil || !net.ParseIP(got).IsLoopback() {
		t.Fatalf("resolveIP(localhost) = %q, %v; want a loopback address", got, err)
	}
	if _, err := resolveIP("no-such-host.invalid"); err == nil {
		t.Fatal("an unknown host must be an error")
	}
}
