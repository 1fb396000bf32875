package clients

import (
	"regexp"
	"strconv"

	"github.com/corral-zk/corral/tests/harness/transcript"
)

// marker is how the client programs tag server-assigned values: a kind
// letter and a decimal number, e.g. "#z4294967298".
var marker = regexp.MustCompile(`#([zsot])(-?[0-9]+)`)

// Normalize replaces every marker of out by the transcript Normalizer's
// name for it, in order of appearance, so that two servers assigning
// different zxids and session ids but the same equalities read the same.
func Normalize(out string) string {
	n := transcript.NewNormalizer()
	return marker.ReplaceAllStringFunc(out, func(m string) string {
		sub := marker.FindStringSubmatch(m)
		v, err := strconv.ParseInt(sub[2], 10, 64)
		if err != nil {
			return m // not a 64-bit value: left visible, so a diff shows it
		}
		switch sub[1] {
		case "z":
			return n.Zxid(v)
		case "s":
			return n.Session(v)
		case "o":
			return n.Owner(v)
		default:
			return n.Time(v)
		}
	})
}
