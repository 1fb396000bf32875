package cli

import (
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/corral-zk/corral/wire"
)

// Output formats of zkCli, byte for byte: scripts parse them.

// printStat is StatPrinter.print.
func printStat(w io.Writer, s wire.Stat) {
	var b strings.Builder
	b.WriteString("cZxid = 0x" + hex(s.Czxid) + "\n")
	b.WriteString("ctime = " + javaDate(s.Ctime) + "\n")
	b.WriteString("mZxid = 0x" + hex(s.Mzxid) + "\n")
	b.WriteString("mtime = " + javaDate(s.Mtime) + "\n")
	b.WriteString("pZxid = 0x" + hex(s.Pzxid) + "\n")
	b.WriteString("cversion = " + strconv.Itoa(int(s.Cversion)) + "\n")
	b.WriteString("dataVersion = " + strconv.Itoa(int(s.Version)) + "\n")
	b.WriteString("aclVersion = " + strconv.Itoa(int(s.Aversion)) + "\n")
	b.WriteString("ephemeralOwner = 0x" + hex(s.EphemeralOwner) + "\n")
	b.WriteString("dataLength = " + strconv.Itoa(int(s.DataLength)) + "\n")
	b.WriteString("numChildren = " + strconv.Itoa(int(s.NumChildren)) + "\n")
	io.WriteString(w, b.String())
}

// hex is Long.toHexString: two's complement, no leading zeros.
func hex(v int64) string { return strconv.FormatUint(uint64(v), 16) }

// javaDate is java.util.Date.toString in the local time zone
// ("Sun Nov 22 03:57:50 UTC 2026").
func javaDate(ms int64) string {
	return time.UnixMilli(ms).Local().Format("Mon Jan 02 15:04:05 MST 2006")
}

// javaString is new String(data, UTF_8): each malformed byte becomes
// U+FFFD, and null data prints as "null".
func javaString(b []byte) string {
	if b == nil {
		return "null"
	}
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		sb.WriteRune(r) // RuneError is U+FFFD
		b = b[n:]
	}
	return sb.String()
}

// javaList is AbstractCollection.toString: "[a, b]".
func javaList(items []string) string { return "[" + strings.Join(items, ", ") + "]" }

// permString is ZKUtil.getPermString: the letters of the granted
// permissions in the order c, d, r, w, a.
func permString(perms int32) string {
	var b strings.Builder
	for _, p := range []struct {
		bit    int32
		letter byte
	}{{wire.PermCreate, 'c'}, {wire.PermDelete, 'd'}, {wire.PermRead, 'r'}, {wire.PermWrite, 'w'}, {wire.PermAdmin, 'a'}} {
		if perms&p.bit != 0 {
			b.WriteByte(p.letter)
		}
	}
	return b.String()
}

// idString is the jute-generated Id.toString (ToStringOutputArchive), which
// getAcl prints: "'world,'anyone" and a newline, with CSV escapes.
func idString(id wire.Id) string {
	return juteString(id.Scheme) + "," + juteString(id.ID) + "\n"
}

func juteString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case 0:
			b.WriteString("%00")
		case '\n':
			b.WriteString("%0A")
		case '\r':
			b.WriteString("%0D")
		case ',':
			b.WriteString("%2C")
		case '}':
			b.WriteString("%7D")
		case '%':
			b.WriteString("%25")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// printACL prints an ACL list as getAcl does.
func printACL(w io.Writer, acl []wire.ACL) {
	var b strings.Builder
	for _, a := range acl {
		b.WriteString(idString(a.ID) + ": " + permString(a.Perms) + "\n")
	}
	io.WriteString(w, b.String())
}
