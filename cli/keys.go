package cli

import (
	"bytes"
	"io"
)

// keyRewrites map the key sequences of common terminals that
// golang.org/x/term's line editor does not know to ones it does: Home and
// End as vt220/screen/tmux/PuTTY send them ("\e[1~", "\e[4~", and rxvt's
// 7~/8~) and as xterm sends them in application mode ("\eOH", "\eOF"),
// arrows in application cursor mode ("\eOA"), and Ctrl- or Alt-arrows
// (word moves, which x/term knows as "\e[1;3C"/"\e[1;3D").
var keyRewrites = []struct{ from, to []byte }{
	{[]byte("\x1b[1~"), []byte("\x1b[H")},
	{[]byte("\x1b[7~"), []byte("\x1b[H")},
	{[]byte("\x1b[4~"), []byte("\x1b[F")},
	{[]byte("\x1b[8~"), []byte("\x1b[F")},
	{[]byte("\x1bOH"), []byte("\x1b[H")},
	{[]byte("\x1bOF"), []byte("\x1b[F")},
	{[]byte("\x1bOA"), []byte("\x1b[A")},
	{[]byte("\x1bOB"), []byte("\x1b[B")},
	{[]byte("\x1bOC"), []byte("\x1b[C")},
	{[]byte("\x1bOD"), []byte("\x1b[D")},
	{[]byte("\x1b[1;5C"), []byte("\x1b[1;3C")},
	{[]byte("\x1b[1;5D"), []byte("\x1b[1;3D")},
	{[]byte("\x1bf"), []byte("\x1b[1;3C")},
	{[]byte("\x1bb"), []byte("\x1b[1;3D")},
}

// translateKeys rewrites b and returns the translated bytes and a tail
// that may be the start of a sequence still arriving.
func translateKeys(b []byte) (out, rest []byte) {
	out = make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == 0x1b {
			matched, partial := false, false
			for _, rw := range keyRewrites {
				if bytes.HasPrefix(b[i:], rw.from) {
					out = append(out, rw.to...)
					i += len(rw.from)
					matched = true
					break
				}
				if bytes.HasPrefix(rw.from, b[i:]) {
					partial = true
				}
			}
			if matched {
				continue
			}
			if partial {
				return out, b[i:]
			}
		}
		out = append(out, b[i])
		i++
	}
	return out, nil
}

// keyReader applies translateKeys to a terminal's input. A read that ends
// inside a known sequence holds those bytes back until the rest arrives.
type keyReader struct {
	r       io.Reader
	pending []byte
	out     []byte
	buf     [256]byte
}

func (k *keyReader) Read(p []byte) (int, error) {
	for len(k.out) == 0 {
		n, err := k.r.Read(k.buf[:])
		k.out, k.pending = translateKeys(append(k.pending, k.buf[:n]...))
		if err != nil {
			k.out, k.pending = append(k.out, k.pending...), nil
			if len(k.out) == 0 {
				return 0, err
			}
		}
	}
	n := copy(p, k.out)
	k.out = k.out[n:]
	return n, nil
}
