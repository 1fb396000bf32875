package fourletter

import "strings"

// Command names as Apache's FourLetterCommands registers them. CmdTelnetClose
// is the control sequence telnet sends when it quits (0xfff4fffd); Apache
// knows it so that it can be whitelisted and answered, but executes nothing.
const (
	CmdConf        = "conf"
	CmdCons        = "cons"
	CmdCrst        = "crst"
	CmdDirs        = "dirs"
	CmdDump        = "dump"
	CmdEnvi        = "envi"
	CmdGtmk        = "gtmk"
	CmdRuok        = "ruok"
	CmdStmk        = "stmk"
	CmdSrst        = "srst"
	CmdSrvr        = "srvr"
	CmdStat        = "stat"
	CmdWchc        = "wchc"
	CmdWchp        = "wchp"
	CmdWchs        = "wchs"
	CmdMntr        = "mntr"
	CmdIsro        = "isro"
	CmdHash        = "hash"
	CmdTelnetClose = "telnet close"
)

// telnetCloseWord is FourLetterCommands.telnetCloseCmd.
const telnetCloseWord = int32(-720899) // 0xfff4fffd as a signed int

// Names lists every known command in Apache's registration order.
var Names = []string{CmdConf, CmdCons, CmdCrst, CmdDirs, CmdDump, CmdEnvi, CmdGtmk, CmdRuok, CmdStmk, CmdSrst, CmdSrvr, CmdStat,
	CmdWchc, CmdWchp, CmdWchs, CmdMntr, CmdIsro, CmdTelnetClose, CmdHash}

// wordOf packs a four-character command the way Apache does
// (ByteBuffer.wrap("ruok".getBytes()).getInt(): big-endian).
func wordOf(s string) int32 {
	return int32(uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3]))
}

var byWord = func() map[int32]string {
	m := make(map[int32]string, len(Names))
	for _, n := range Names {
		if n == CmdTelnetClose {
			m[telnetCloseWord] = n
			continue
		}
		m[wordOf(n)] = n
	}
	return m
}()

// Is maps the first four bytes of a connection, read as a big-endian int32
// (the position where a real client sends its packet length), to a command
// name. Apache performs this check only before the session handshake.
func Is(word int32) (string, bool) {
	n, ok := byWord[word]
	return n, ok
}

// Whitelist builds the "is this command enabled" predicate from the value of
// the 4lw.commands.whitelist setting, mirroring FourLetterCommands.isEnabled:
// entries are comma separated and trimmed; "*" enables every known command
// (including "telnet close") and ends parsing; unknown names are accepted
// but never match a command. srvr is always enabled because zkServer.sh
// needs it, and isro is enabled when readonlymode.enabled is true.
func Whitelist(spec string, readOnlyMode bool) func(string) bool {
	set := map[string]bool{}
	for _, e := range strings.Split(spec, ",") {
		e = strings.TrimSpace(e)
		if e == "*" {
			for _, n := range Names {
				set[n] = true
			}
			break
		}
		if e != "" {
			set[e] = true
		}
	}
	if readOnlyMode {
		set[CmdIsro] = true
	}
	set[CmdSrvr] = true
	return func(cmd string) bool { return set[cmd] }
}
