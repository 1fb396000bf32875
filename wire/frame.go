package wire

import (
	"bufio"
	"encoding/binary"
	"io"
	"strconv"
)

// Framing of the client port: every message is a 4-byte big-endian length
// followed by that many bytes. The reader checks the length before
// allocating so that a client cannot make the server reserve memory it
// never sends; the writers build whole frames in one buffer so a reply is a
// single write.

// FrameTooLargeError is returned by ReadFrame for a length field below zero
// or above the configured maximum (Apache logs this as "Len error" and
// closes the connection).
type FrameTooLargeError struct {
	Len int32
	Max int
}

func (e *FrameTooLargeError) Error() string {
	return "wire: frame length " + strconv.Itoa(int(e.Len)) + " out of range [0, " + strconv.Itoa(e.Max) + "]"
}

// retainLimit is the largest frame buffer a FrameReader keeps between calls.
// Most frames are small; keeping a rare 1 MiB buffer per idle connection
// would cost more memory than reallocating it.
const retainLimit = 64 << 10

// FrameReader reads length-prefixed frames from a stream.
type FrameReader struct {
	br  *bufio.Reader
	max int
	buf []byte
}

// NewFrameReader reads frames of at most maxBuffer bytes (jute.maxbuffer;
// use DefaultMaxBuffer when not configured) from r through a bufio.Reader.
func NewFrameReader(r io.Reader, maxBuffer int) *FrameReader {
	return &FrameReader{br: bufio.NewReader(r), max: maxBuffer}
}

// PeekLength returns the next frame's length field without consuming it, so
// that on a connection's first frame the server can test it with
// FourLetterWord before treating it as a length.
func (f *FrameReader) PeekLength() (int32, error) {
	p, err := f.br.Peek(frameLenSize)
	if err != nil {
		if err == io.EOF && len(p) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(p)), nil
}

// Raw exposes the buffered stream for the non-framed uses of the client
// port: after FourLetterWord matched, the command's 4 bytes (and stmk's
// 8-byte argument) are read from here.
func (f *FrameReader) Raw() *bufio.Reader { return f.br }

// ReadFrame returns the body of the next frame. The returned slice is only
// valid until the next call: the reader reuses its buffer for frames up to
// 64 KiB, so callers must decode (records copy what they keep) or copy
// before reading again. io.EOF means the stream ended cleanly between
// frames; io.ErrUnexpectedEOF means it ended inside one. A length out of
// [0, maxBuffer] yields *FrameTooLargeError before anything is allocated.
func (f *FrameReader) ReadFrame() ([]byte, error) {
	// Peek+Discard rather than io.ReadFull into a local array: the array
	// would escape through the io.Reader interface and cost an allocation
	// per frame.
	n, err := f.PeekLength()
	if err != nil {
		return nil, err
	}
	_, _ = f.br.Discard(frameLenSize) // cannot fail: the bytes are buffered
	if n < 0 || int(n) > f.max {
		return nil, &FrameTooLargeError{Len: n, Max: f.max}
	}
	var body []byte
	if int(n) <= cap(f.buf) {
		body = f.buf[:n]
	} else {
		body = make([]byte, n)
		if n <= retainLimit {
			f.buf = body
		}
	}
	if _, err := io.ReadFull(f.br, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// fourLetterWords are Apache's FourLetterCommands, each as the int32 its
// four ASCII bytes make when read as a frame length, plus telnet's close
// sequence which Apache recognises the same way.
var fourLetterWords = [...]struct {
	code int32
	name string
}{
	{fourCC("conf"), "conf"}, {fourCC("cons"), "cons"}, {fourCC("crst"), "crst"},
	{fourCC("dirs"), "dirs"}, {fourCC("dump"), "dump"}, {fourCC("envi"), "envi"},
	{fourCC("gtmk"), "gtmk"}, {fourCC("ruok"), "ruok"}, {fourCC("stmk"), "stmk"},
	{fourCC("srvr"), "srvr"}, {fourCC("srst"), "srst"}, {fourCC("stat"), "stat"},
	{fourCC("wchc"), "wchc"}, {fourCC("wchp"), "wchp"}, {fourCC("wchs"), "wchs"},
	{fourCC("mntr"), "mntr"}, {fourCC("isro"), "isro"}, {fourCC("hash"), "hash"},
	{TelnetCloseCode, "telnet close"},
}

// TelnetCloseCode is the IAC IP IAC DO sequence telnet sends when closing,
// read as a length (Apache's FourLetterCommands.telnetCloseCmd).
const TelnetCloseCode int32 = -0x000b0003 // 0xfff4fffd

func fourCC(s string) int32 { return int32(binary.BigEndian.Uint32([]byte(s))) }

// FourLetterWord maps the first four bytes of a connection, read as a frame
// length, to the four-letter command they spell. Apache checks this only on
// a connection's first frame; every command value exceeds any sane
// jute.maxbuffer, so a real ConnectRequest length never matches.
func FourLetterWord(lenField int32) (string, bool) {
	for i := range fourLetterWords {
		if fourLetterWords[i].code == lenField {
			return fourLetterWords[i].name, true
		}
	}
	return "", false
}

// AppendFrame appends a complete reply frame (length, ReplyHeader, body) to
// dst and returns the extended slice. body may be nil for header-only
// replies (errors, delete, ping...); the caller decides when a body is due
// (Apache omits it when err != 0, except for multi). Common reply bodies are
// encoded through concrete calls so the hot path does not allocate beyond
// growing dst.
func AppendFrame(dst []byte, hdr ReplyHeader, body Record) []byte {
	start := len(dst)
	e := Encoder{buf: append(dst, 0, 0, 0, 0)}
	hdr.Encode(&e)
	switch b := body.(type) {
	case nil:
	case *GetDataResponse:
		b.Encode(&e)
	case *StatResponse:
		b.Encode(&e)
	case *CreateResponse:
		b.Encode(&e)
	case *Create2Response:
		b.Encode(&e)
	case *GetChildrenResponse:
		b.Encode(&e)
	case *GetChildren2Response:
		b.Encode(&e)
	case *MultiResponse:
		b.Encode(&e)
	case *ErrorResponse:
		b.Encode(&e)
	case *PathRequest:
		b.Encode(&e)
	case *GetACLResponse:
		b.Encode(&e)
	default:
		e.buf = appendRecord(e.buf, body)
	}
	binary.BigEndian.PutUint32(e.buf[start:], uint32(len(e.buf)-start-frameLenSize))
	return e.buf
}

// appendRecord encodes any other Record. It is a separate function because
// passing an Encoder through the Record interface makes it escape; keeping
// that here confines the allocation to the less common reply types.
func appendRecord(dst []byte, r Record) []byte {
	e := &Encoder{buf: dst}
	r.Encode(e)
	return e.buf
}

// AppendNotification appends a watch notification frame: ReplyHeader{xid=-1,
// zxid, err=0} followed by the WatcherEvent. 3.9 servers send the zxid of the
// triggering txn; 3.8 sent -1.
func AppendNotification(dst []byte, zxid int64, ev WatcherEvent) []byte {
	start := len(dst)
	e := Encoder{buf: append(dst, 0, 0, 0, 0)}
	hdr := ReplyHeader{Xid: XidNotification, Zxid: zxid, Err: ErrOK}
	hdr.Encode(&e)
	ev.Encode(&e)
	binary.BigEndian.PutUint32(e.buf[start:], uint32(len(e.buf)-start-frameLenSize))
	return e.buf
}

// AppendRecordFrame appends a frame holding only body, without a
// ReplyHeader: the handshake's ConnectResponse is sent this way.
func AppendRecordFrame(dst []byte, body Record) []byte {
	start := len(dst)
	dst = appendRecord(append(dst, 0, 0, 0, 0), body)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-frameLenSize))
	return dst
}
