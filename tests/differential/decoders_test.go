package differential

import (
	"fmt"
	"strings"

	"github.com/corral-zk/corral/tests/harness/rawzk"
	"github.com/corral-zk/corral/tests/harness/transcript"
	"github.com/corral-zk/corral/wire"
)

// Decoders render raw reply bodies for the transcript, normalizing zxids,
// times and session ids and sorting name lists.

func (r *recorder) decStat(d *rawzk.Decoder) string { return r.n.Stat(d.Stat()) }

func decPath(d *rawzk.Decoder) string { return d.String() }

func decNothing(*rawzk.Decoder) string { return "" }

func decCount(d *rawzk.Decoder) string { return fmt.Sprint(d.Int()) }

func decChildren(d *rawzk.Decoder) string { return transcript.Sorted(d.Strings()) }

// decPathStat renders a Create2Response.
func (r *recorder) decPathStat(d *rawzk.Decoder) string {
	p := d.String()
	return p + " " + r.n.Stat(d.Stat())
}

// decData renders a GetDataResponse.
func (r *recorder) decData(d *rawzk.Decoder) string {
	data := d.Buffer()
	return fmt.Sprintf("%q %s", data, r.n.Stat(d.Stat()))
}

// decChildren2 renders a GetChildren2Response.
func (r *recorder) decChildren2(d *rawzk.Decoder) string {
	ch := d.Strings()
	return transcript.Sorted(ch) + " " + r.n.Stat(d.Stat())
}

// decACL renders a GetACLResponse.
func (r *recorder) decACL(d *rawzk.Decoder) string {
	acl := d.ACLs()
	return transcript.ACL(acl) + " " + r.n.Stat(d.Stat())
}

// decErrorResponse renders an ErrorResponse body (addWatch replies with one).
func decErrorResponse(d *rawzk.Decoder) string {
	return "ErrorResponse=" + wire.ErrCode(d.Int()).String()
}

// decWhoAmI renders a WhoAmIResponse as [scheme:user,...].
func decWhoAmI(d *rawzk.Decoder) string {
	n := d.Int()
	var parts []string
	for i := int32(0); i < n && d.Err() == nil; i++ {
		scheme := d.String()
		parts = append(parts, scheme+":"+d.String())
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// decMulti renders every per-op result of a multi or multiRead.
func (r *recorder) decMulti(d *rawzk.Decoder) string {
	res, err := rawzk.DecodeMultiResponse(d.Rest())
	parts := make([]string, len(res))
	for i, o := range res {
		var b strings.Builder
		if o.Type == wire.OpError {
			b.WriteString("error " + o.Err.String())
		} else {
			b.WriteString(o.Type.String())
		}
		if o.Path != "" {
			b.WriteString(" " + o.Path)
		}
		if o.Data != nil {
			fmt.Fprintf(&b, " %q", o.Data)
		}
		if o.Type == wire.OpGetChildren {
			b.WriteString(" " + transcript.Sorted(o.Children))
		}
		if o.Stat != nil {
			b.WriteString(" " + r.n.Stat(*o.Stat))
		}
		parts[i] = b.String()
	}
	out := "[" + strings.Join(parts, "; ") + "]"
	if err != nil {
		out += " MULTI DECODE ERROR " + err.Error()
	}
	return out
}
