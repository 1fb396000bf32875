package trace

import (
	"fmt"
	"strings"
	"time"
)

// OneLine renders a timeline on one line, for a log: each hop as
// "server:kind message [packet] q=mailbox-wait h=handling", in order,
// separated by " > ", with supervision events as "server:kind !event(detail)".
func OneLine(recs []Record) string {
	var b strings.Builder
	for i, r := range recs {
		if i > 0 {
			b.WriteString(" > ")
		}
		fmt.Fprintf(&b, "%d:%s %s", r.Server, r.Kind, ShortMessage(r.Message))
		if r.Event != "" {
			fmt.Fprintf(&b, " !%s(%s)", r.Event, r.Detail)
			continue
		}
		if r.Packet != "" {
			b.WriteString(" " + r.Packet)
		}
		if r.Enqueued != 0 {
			fmt.Fprintf(&b, " q=%v", time.Duration(r.Started-r.Enqueued))
		}
		fmt.Fprintf(&b, " h=%v", time.Duration(r.Ended-r.Started))
	}
	return b.String()
}

// ShortMessage drops the package of a message type ("*messages.Proposal"
// is "Proposal").
func ShortMessage(m string) string {
	if i := strings.LastIndex(m, "*messages."); i >= 0 {
		return m[:i] + m[i+len("*messages."):]
	}
	return m
}
