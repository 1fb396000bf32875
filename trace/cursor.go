package trace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cursor says, per server id, the Seq of the last completed request (Done)
// a reader of completed requests has seen; key AllServers applies to every
// server not named. Its text form is "1:34,2:50,3:7", or one number for
// every server.
type Cursor map[int64]uint64

// AllServers is the Cursor key of a cursor given as one number.
const AllServers = -1

// At is the cursor of server sid.
func (c Cursor) At(sid int64) uint64 {
	if v, ok := c[sid]; ok {
		return v
	}
	return c[AllServers]
}

// ParseCursor reads a cursor's text form; "" is the beginning.
func ParseCursor(v string) (Cursor, error) {
	out := Cursor{}
	if v == "" {
		return out, nil
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		out[AllServers] = n
		return out, nil
	}
	for _, f := range strings.Split(v, ",") {
		sid, seq, ok := strings.Cut(f, ":")
		a, err1 := strconv.ParseInt(sid, 10, 64)
		b, err2 := strconv.ParseUint(seq, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%q is not a cursor (server:seq,...)", v)
		}
		out[a] = b
	}
	return out, nil
}

// String is the text form, by server id.
func (c Cursor) String() string {
	ids := make([]int64, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		if id == AllServers {
			fmt.Fprintf(&b, "%d", c[id])
			continue
		}
		fmt.Fprintf(&b, "%d:%d", id, c[id])
	}
	return b.String()
}
