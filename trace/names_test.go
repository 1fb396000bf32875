package trace

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The ring's slots must hold no pointer, or the collector scans the whole
// ring on every cycle (names.go).
func TestHopHasNoPointers(t *testing.T) {
	ty := reflect.TypeOf(Hop{})
	for i := range ty.NumField() {
		switch ty.Field(i).Type.Kind() {
		case reflect.Int32, reflect.Int64, reflect.Uint32, reflect.Uint64:
		default:
			t.Fatalf("Hop.%s is a %s", ty.Field(i).Name, ty.Field(i).Type)
		}
	}
}

func TestNamesResolve(t *testing.T) {
	r := NewRing(16)
	rec := Record{Kind: "session", PID: "server/sessions/session-1", Message: "*messages.ClientRequest",
		Packet: "PROPOSAL", Event: EventCrash, Detail: "boom", Session: 1, Cxid: 2, Zxid: 3,
		Enqueued: 4, Started: 5, Ended: 6, Server: 7, From: 8}
	r.Write(rec)
	got := r.Find(Query{Session: 1, Cxid: 2, HasCxid: true})
	require.Len(t, got, 1)
	rec.Seq = 1
	require.Equal(t, rec, got[0])
	require.Equal(t, r.Intern("session"), r.Intern("session"), "one Name per string")
	require.NotEqual(t, r.Intern("session"), r.Intern("final"))
	require.Zero(t, r.Intern(""))
	require.Equal(t, r.Intern("session"), r.Intern(strings.Clone("session")), "the same bytes elsewhere")
}

// A generation of names is bounded: once full, a new one starts, the
// records of the previous one keep their strings, and a Hop whose Names
// were interned before is recognised (a reply completes its request)
// across the change.
func TestNamesGenerations(t *testing.T) {
	r := NewRing(8)
	require.True(t, r.BeginRequest(5, 1, 4, 100))
	old := Hop{Kind: r.Intern(KindConn), PID: r.Intern("server/listener/conn-$1"), Message: r.Intern(ReplyMessage),
		Session: 5, Cxid: 1, Started: 200, Ended: 201}
	gen := r.NameGen()
	for i := 0; r.NameGen() == gen; i++ {
		require.Less(t, i, maxNames, "the generation never ended")
		r.Intern(fmt.Sprintf("server/sessions/session-%d", i))
	}
	r.PutHop(&old)
	got := r.Find(Query{Session: 5})
	require.Len(t, got, 1)
	require.Equal(t, "server/listener/conn-$1", got[0].PID, "the previous generation resolves")
	done, _ := r.Completed(0, 0)
	require.Len(t, done, 1, "the reply hop completed its request")
	require.Equal(t, int64(100), done[0].Duration())

	// Two generations later the old Names resolve to nothing, not to
	// another string.
	for i, g := 0, r.NameGen(); r.NameGen() == g; i++ {
		r.Intern(fmt.Sprintf("x-%d", i))
	}
	require.Equal(t, "", r.names.resolve(old.PID))
	require.LessOrEqual(t, len(r.names.cur.Load().list), maxNames)
}
