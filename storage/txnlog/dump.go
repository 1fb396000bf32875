package txnlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/corral-zk/corral/messages"
	"github.com/corral-zk/corral/storage/apachefmt"
	"github.com/corral-zk/corral/wire"
)

// Dump prints one log file for `corral log dump FILE [--json]`: a Corral
// segment or, recognised by its "ZKLG" magic, an Apache log, so the same
// command inspects data being imported. Text output is one line per txn in
// the shape of Apache's TxnLogToolkit:
//
//	<time> session 0x<id> cxid 0x<cxid> zxid 0x<zxid> <type> <body>
//
// with the time in UTC. JSON output is one object per line with the same
// header fields and the whole txn under "txn" (protojson field names). A
// torn tail is reported after the entries; corruption is returned as an
// error after the entries before it have been printed.
func Dump(w io.Writer, file string, asJSON bool) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("txnlog: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("txnlog: %w", err)
	}
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	emit := func(txn *messages.Txn) error {
		line, err := formatLine(txn, asJSON)
		if err != nil {
			return err
		}
		_, err = bw.WriteString(line)
		return err
	}

	var magic [4]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 4 && string(magic[:]) == "ZKLG" {
		err := apachefmt.ReadLog(file, func(_ apachefmt.TxnHeader, txn *messages.Txn) error { return emit(txn) })
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		return err
	}

	res, err := scanSegment(f, st.Size(), file, 0, true, func(off int64, payload []byte, _ int64) error {
		txn := new(messages.Txn)
		if err := proto.Unmarshal(payload, txn); err != nil {
			return &CorruptError{File: file, Offset: off, Reason: fmt.Sprintf("entry with a good crc does not decode: %v", err)}
		}
		return emit(txn)
	})
	if err == nil && res.Tail == tailTorn {
		if asJSON {
			b, _ := json.Marshal(struct {
				Offset int64  `json:"tornTailOffset"`
				Reason string `json:"reason"`
			}{res.End, res.TornTail})
			_, err = fmt.Fprintf(bw, "%s\n", b)
		} else {
			_, err = fmt.Fprintf(bw, "torn tail at offset %d: %s\n", res.End, res.TornTail)
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func formatLine(txn *messages.Txn, asJSON bool) (string, error) {
	ts := time.UnixMilli(txn.GetTime()).UTC().Format("2006-01-02T15:04:05.000Z")
	session := fmt.Sprintf("0x%x", uint64(txn.GetSessionId()))
	cxid := fmt.Sprintf("0x%x", uint64(int64(txn.GetCxid()))) // sign-extended, like Long.toHexString(int)
	zxid := fmt.Sprintf("0x%x", uint64(txn.GetZxid()))
	typ := wire.OpCode(txn.GetType()).String()
	if !asJSON {
		return fmt.Sprintf("%s session %s cxid %s zxid %s %s %s\n", ts, session, cxid, zxid, typ, FormatBody(txn)), nil
	}
	body, err := protojson.Marshal(txn)
	if err != nil {
		return "", fmt.Errorf("txnlog: %w", err)
	}
	// protojson randomizes whitespace on purpose; compacting makes the
	// output stable.
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return "", fmt.Errorf("txnlog: %w", err)
	}
	b, err := json.Marshal(struct {
		Time    string          `json:"time"`
		Session string          `json:"session"`
		Cxid    string          `json:"cxid"`
		Zxid    string          `json:"zxid"`
		Type    string          `json:"type"`
		Txn     json.RawMessage `json:"txn"`
	}{ts, session, cxid, zxid, typ, compact.Bytes()})
	if err != nil {
		return "", fmt.Errorf("txnlog: %w", err)
	}
	return string(b) + "\n", nil
}

// FormatBody renders a txn's body on one line, comma-separated in record
// field order as TxnLogToolkit does; data is Go-quoted so that no byte of
// it can break the one-line-per-txn layout.
func FormatBody(txn *messages.Txn) string {
	switch b := txn.GetBody().(type) {
	case *messages.Txn_Create:
		c := b.Create
		return fmt.Sprintf("%s,%q,%s,0x%x,%d", c.Path, c.Data, formatACLs(c.Acl), uint64(c.EphemeralOwner), c.ParentCversion)
	case *messages.Txn_Delete:
		return b.Delete.Path
	case *messages.Txn_SetData:
		return fmt.Sprintf("%s,%q,%d", b.SetData.Path, b.SetData.Data, b.SetData.Version)
	case *messages.Txn_SetAcl:
		return fmt.Sprintf("%s,%s,%d", b.SetAcl.Path, formatACLs(b.SetAcl.Acl), b.SetAcl.Version)
	case *messages.Txn_Check:
		return fmt.Sprintf("%s,%d", b.Check.Path, b.Check.Version)
	case *messages.Txn_CreateSession:
		return fmt.Sprint(b.CreateSession.Timeout)
	case *messages.Txn_CloseSession:
		return "[" + strings.Join(b.CloseSession.PathsToDelete, ",") + "]"
	case *messages.Txn_Error:
		return fmt.Sprint(b.Error.Err)
	case *messages.Txn_Multi:
		parts := make([]string, len(b.Multi.Txns))
		for i, sub := range b.Multi.Txns {
			parts[i] = wire.OpCode(sub.GetType()).String() + ":" + FormatBody(sub)
		}
		return strings.Join(parts, ";")
	}
	return ""
}

func formatACLs(acl []*messages.ACL) string {
	parts := make([]string, len(acl))
	for i, a := range acl {
		parts[i] = fmt.Sprintf("%d:%s:%s", a.GetPerms(), a.GetId().GetScheme(), a.GetId().GetId())
	}
	return "[" + strings.Join(parts, ",") + "]"
}
