package rawzk

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/corral-zk/corral/wire"
)

func TestPrimitivesRoundTrip(t *testing.T) {
	var e Encoder
	e.Int(-2).Long(1 << 40).Bool(true).Bool(false).Buffer(nil).Buffer([]byte{}).Buffer([]byte("ab")).String("/x")
	e.Int(2).String("c1").String("c2") // vector<ustring>
	e.ACLs(OpenACL)
	d := NewDecoder(e.Bytes())
	require.Equal(t, int32(-2), d.Int())
	require.Equal(t, int64(1<<40), d.Long())
	require.True(t, d.Bool())
	require.False(t, d.Bool())
	require.Nil(t, d.Buffer())
	require.Equal(t, []byte{}, d.Buffer())
	require.Equal(t, []byte("ab"), d.Buffer())
	require.Equal(t, "/x", d.String())
	require.Equal(t, []string{"c1", "c2"}, d.Strings())
	require.Equal(t, OpenACL, d.ACLs())
	require.NoError(t, d.Err())
	require.Zero(t, d.Remaining())
}

func TestEncodingMatchesJute(t *testing.T) {
	cases := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"null buffer is length -1", (&Encoder{}).Buffer(nil).Bytes(), []byte{0xff, 0xff, 0xff, 0xff}},
		{"PathWatchRequest", PathWatchRequest("/a", true), []byte{0, 0, 0, 2, '/', 'a', 1}},
		{"PathVersionRequest", PathVersionRequest("/a", -1), []byte{0, 0, 0, 2, '/', 'a', 0xff, 0xff, 0xff, 0xff}},
		{"empty multi is only the done header", MultiRequest(nil),
			[]byte{0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff}},
		{"multi op header", MultiRequest([]Op{{Type: wire.OpCheck, Body: []byte{9}}}),
			[]byte{0, 0, 0, 13, 0, 0xff, 0xff, 0xff, 0xff, 9, 0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { require.Equal(t, c.want, c.got) })
	}
}

func TestDecoderStopsAtFirstError(t *testing.T) {
	d := NewDecoder([]byte{0, 0, 0, 9, 'x'})
	require.Equal(t, "", d.String())
	require.ErrorIs(t, d.Err(), ErrShortRecord)
	require.Zero(t, d.Long(), "reads after an error yield zero values")
	require.ErrorIs(t, d.Err(), ErrShortRecord)
}

func TestDecodeMultiResponse(t *testing.T) {
	st := wire.Stat{Czxid: 5, Mzxid: 6, Version: 1, DataLength: 2, Pzxid: 5}
	var e Encoder
	stat := func(s wire.Stat) {
		e.Long(s.Czxid).Long(s.Mzxid).Long(s.Ctime).Long(s.Mtime).Int(s.Version).Int(s.Cversion).Int(s.Aversion).
			Long(s.EphemeralOwner).Int(s.DataLength).Int(s.NumChildren).Long(s.Pzxid)
	}
	e.Int(int32(wire.OpCreate)).Bool(false).Int(0).String("/a")
	e.Int(int32(wire.OpCreate2)).Bool(false).Int(0).String("/b")
	stat(st)
	e.Int(int32(wire.OpSetData)).Bool(false).Int(0)
	stat(st)
	e.Int(int32(wire.OpDelete)).Bool(false).Int(0)
	e.Int(int32(wire.OpGetData)).Bool(false).Int(0).Buffer([]byte("hi"))
	stat(st)
	e.Int(int32(wire.OpGetChildren)).Bool(false).Int(0).Int(1).String("k")
	e.Int(int32(wire.OpError)).Bool(false).Int(int32(wire.ErrNoNode)).Int(int32(wire.ErrNoNode))
	e.Int(-1).Bool(true).Int(-1)

	got, err := DecodeMultiResponse(e.Bytes())
	require.NoError(t, err)
	require.Equal(t, []OpResult{
		{Type: wire.OpCreate, Path: "/a"},
		{Type: wire.OpCreate2, Path: "/b", Stat: &st},
		{Type: wire.OpSetData, Stat: &st},
		{Type: wire.OpDelete},
		{Type: wire.OpGetData, Data: []byte("hi"), Stat: &st},
		{Type: wire.OpGetChildren, Children: []string{"k"}},
		{Type: wire.OpError, Err: wire.ErrNoNode},
	}, got)

	_, err = DecodeMultiResponse(e.Bytes()[:10])
	require.ErrorIs(t, err, ErrShortRecord)
}

func TestEventName(t *testing.T) {
	require.Equal(t, "NodeChildrenChanged", EventName(wire.EventNodeChildrenChanged))
	require.Equal(t, "None", EventName(wire.EventNone))
	require.Equal(t, "EventType(42)", EventName(42))
	require.Equal(t, "NodeDeleted /x", Event{Type: wire.EventNodeDeleted, Path: "/x"}.String())
}
