package zkcli

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/corral-zk/corral/tests/harness/transcript"
)

var (
	zxidLine  = regexp.MustCompile(`(?m)^(cZxid|mZxid|pZxid) = 0x([0-9a-f]+)$`)
	timeLine  = regexp.MustCompile(`(?m)^(ctime|mtime) = .+$`)
	ownerLine = regexp.MustCompile(`(?m)^ephemeralOwner = 0x([0-9a-f]+)$`)
)

// normalizeStat rewrites the Stat lines zkCli prints (StatPrinter) with n,
// so that outputs from two servers compare equal when they agree on every
// equality between zxids and sessions.
func normalizeStat(n *transcript.Normalizer, out string) string {
	out = zxidLine.ReplaceAllStringFunc(out, func(l string) string {
		m := zxidLine.FindStringSubmatch(l)
		v, _ := strconv.ParseUint(m[2], 16, 64)
		return m[1] + " = " + n.Zxid(int64(v))
	})
	out = timeLine.ReplaceAllStringFunc(out, func(l string) string {
		key := l[:strings.Index(l, " = ")]
		if strings.HasSuffix(l, "Thu Jan 01 00:00:00 UTC 1970") {
			return key + " = 0"
		}
		return key + " = t"
	})
	return ownerLine.ReplaceAllStringFunc(out, func(l string) string {
		v, _ := strconv.ParseUint(ownerLine.FindStringSubmatch(l)[1], 16, 64)
		return "ephemeralOwner = " + n.Owner(int64(v))
	})
}

// sortLines sorts the lines of an output whose order comes from the server's
// hash sets (ls -R walks getChildren results as returned).
func sortLines(out string) string {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// sortList sorts a printed Java list "[b, a]" (getEphemerals prints the
// server's order, which is a hash-set order in Apache).
func sortList(out string) string {
	s := strings.TrimSuffix(out, "\n")
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") || s == "[]" {
		return out
	}
	items := strings.Split(s[1:len(s)-1], ", ")
	sort.Strings(items)
	return "[" + strings.Join(items, ", ") + "]\n"
}
