package fourletter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ZKNotServing is Apache's answer when no ZooKeeperServer is running
// (AbstractFourLetterCommand.ZK_NOT_SERVING).
const ZKNotServing = "This ZooKeeper instance is not currently serving requests"

// TraceMaskLen is the number of bytes following "stmk" on the wire: the new
// mask as a big-endian int64. Apache reads them only when stmk is allowed.
const TraceMaskLen = 8

// ErrNeedsTraceMask is returned by Run for an allowed stmk: the server must
// read TraceMaskLen more bytes and call RunSetTraceMask.
var ErrNeedsTraceMask = errors.New("fourletter: stmk needs its 8-byte mask; use RunSetTraceMask")

// notAllowed is NopCommand's message for a command missing from the
// whitelist (NIOServerCnxn.checkFourLetterWord).
func notAllowed(cmd string) string {
	return cmd + " is not executed because it is not in the whitelist.\n"
}

// Run executes one four-letter command and writes Apache's answer to w in a
// single Write; the caller then closes the connection. cmd comes from Is.
// A command that allowed rejects gets Apache's whitelist message. "telnet
// close" writes nothing (Apache just drops the connection). The returned
// error is w's, or ErrNeedsTraceMask, or an unknown-command error.
func Run(cmd string, allowed func(string) bool, src Source, w io.Writer) error {
	var b bytes.Buffer
	switch {
	case !isKnown(cmd):
		return fmt.Errorf("fourletter: unknown command %q", cmd)
	case !allowed(cmd):
		b.WriteString(notAllowed(cmd))
	case cmd == CmdStmk:
		return ErrNeedsTraceMask
	default:
		render(&b, cmd, src)
	}
	if b.Len() == 0 {
		return nil
	}
	_, err := w.Write(b.Bytes())
	return err
}

// RunSetTraceMask executes stmk with the mask read after the command word:
// it stores the mask and echoes it as a decimal number without newline.
func RunSetTraceMask(mask int64, allowed func(string) bool, src Source, w io.Writer) error {
	var out string
	if !allowed(CmdStmk) {
		out = notAllowed(CmdStmk)
	} else {
		src.SetTraceMask(mask)
		out = itoa(mask)
	}
	_, err := io.WriteString(w, out)
	return err
}

func isKnown(cmd string) bool {
	for _, n := range Names {
		if n == cmd {
			return true
		}
	}
	return false
}

// render writes an allowed command's output. Commands that look at server
// state first check Serving, as Apache's isZKServerRunning; ruok, gtmk and
// envi answer regardless, and isro and hash word the refusal their own way.
func render(b *bytes.Buffer, cmd string, src Source) {
	switch cmd {
	case CmdRuok:
		b.WriteString("imok")
		return
	case CmdGtmk:
		b.WriteString(itoa(src.TraceMask()))
		return
	case CmdEnvi:
		writeEnvi(b, src)
		return
	case CmdTelnetClose:
		return
	case CmdIsro:
		switch {
		case !src.Serving():
			b.WriteString("null")
		case src.ReadOnly():
			b.WriteString("ro")
		default:
			b.WriteString("rw")
		}
		return
	case CmdHash:
		if !src.Serving() {
			b.WriteString(ZKNotServing) // DigestCommand uses print, not println
			return
		}
		writeHash(b, src)
		return
	}
	if !src.Serving() {
		b.WriteString(ZKNotServing + "\n")
		return
	}
	switch cmd {
	case CmdConf:
		writeConf(b, src)
	case CmdCons:
		writeCons(b, src)
	case CmdCrst:
		src.ResetConnStats()
		b.WriteString("Connection stats reset.\n")
	case CmdSrst:
		src.ResetStats()
		b.WriteString("Server stats reset.\n")
	case CmdDirs:
		writeDirs(b, src)
	case CmdDump:
		writeDump(b, src)
	case CmdStat:
		writeStat(b, src, true)
	case CmdSrvr:
		writeStat(b, src, false)
	case CmdWchs, CmdWchc, CmdWchp:
		writeWatches(b, src, cmd)
	case CmdMntr:
		s := src.Stats()
		writeMntr(b, &s)
	}
}
