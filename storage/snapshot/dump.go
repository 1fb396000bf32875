package snapshot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corral-zk/corral/storage/apachefmt"
	"github.com/corral-zk/corral/wire"
)

// Dump prints a snapshot for `corral snapshot dump FILE [--json]`. It reads
// Corral snapshots and, recognised by their magic, Apache ones
// (snapshot.<zxid>[.gz]), so the same command inspects data being
// imported. Text output follows Apache's SnapshotFormatter (one block per
// znode); JSON output is one object per line: sessions, then nodes, then a
// summary {"zxid", "sessions", "nodes"}. Times are UTC.
func Dump(w io.Writer, file string, asJSON bool) error {
	apache, err := isApache(file)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	d := &dumper{w: bw, json: asJSON}
	var zxid int64
	if apache {
		zxid, err = apachefmt.ReadSnapshot(file, d)
	} else {
		zxid, err = Read(file, d)
	}
	if err == nil {
		err = d.summary(zxid)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func isApache(file string) (bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return false, fmt.Errorf("snapshot: %w", err)
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	switch {
	case n == 4 && string(magic[:]) == "ZKSN":
		return true, nil
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b: // gzip: Apache's snapshot.*.gz
		return true, nil
	}
	return false, nil
}

type dumper struct {
	w               *bufio.Writer
	json            bool
	sessions, nodes int
}

type jsonACL struct {
	Perms  int32  `json:"perms"`
	Scheme string `json:"scheme"`
	ID     string `json:"id"`
}

// jsonStat names the fields as jute's Stat does.
type jsonStat struct {
	Czxid          int64 `json:"czxid"`
	Mzxid          int64 `json:"mzxid"`
	Ctime          int64 `json:"ctime"`
	Mtime          int64 `json:"mtime"`
	Version        int32 `json:"version"`
	Cversion       int32 `json:"cversion"`
	Aversion       int32 `json:"aversion"`
	EphemeralOwner int64 `json:"ephemeralOwner"`
	DataLength     int32 `json:"dataLength"`
	Pzxid          int64 `json:"pzxid"`
}

type jsonNode struct {
	Path string    `json:"path"`
	Data []byte    `json:"data"`
	Stat jsonStat  `json:"stat"`
	ACL  []jsonACL `json:"acl"`
}

func (d *dumper) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = d.w.Write(b)
	return err
}

func (d *dumper) Session(id int64, timeout int32) error {
	d.sessions++
	if d.json {
		return d.line(struct {
			Session string `json:"session"`
			Timeout int32  `json:"timeout"`
		}{fmt.Sprintf("0x%x", uint64(id)), timeout})
	}
	_, err := fmt.Fprintf(d.w, "session 0x%x timeout %d\n", uint64(id), timeout)
	return err
}

func (d *dumper) Node(path string, data []byte, st wire.Stat, acl []wire.ACL) error {
	d.nodes++
	if d.json {
		n := jsonNode{Path: path, Data: data, ACL: make([]jsonACL, len(acl)), Stat: jsonStat{
			Czxid: st.Czxid, Mzxid: st.Mzxid, Ctime: st.Ctime, Mtime: st.Mtime, Version: st.Version,
			Cversion: st.Cversion, Aversion: st.Aversion, EphemeralOwner: st.EphemeralOwner,
			DataLength: st.DataLength, Pzxid: st.Pzxid,
		}}
		for i, a := range acl {
			n.ACL[i] = jsonACL{Perms: a.Perms, Scheme: a.ID.Scheme, ID: a.ID.ID}
		}
		return d.line(n)
	}
	_, err := fmt.Fprintf(d.w, "%s\n  cZxid = 0x%x\n  ctime = %s\n  mZxid = 0x%x\n  mtime = %s\n  pZxid = 0x%x\n"+
		"  cversion = %d\n  dataVersion = %d\n  aclVersion = %d\n  ephemeralOwner = 0x%x\n  dataLength = %d\n"+
		"  data = %q\n  acl = %s\n----\n",
		path, uint64(st.Czxid), millis(st.Ctime), uint64(st.Mzxid), millis(st.Mtime), uint64(st.Pzxid),
		st.Cversion, st.Version, st.Aversion, uint64(st.EphemeralOwner), st.DataLength, data, aclText(acl))
	return err
}

func (d *dumper) summary(zxid int64) error {
	if d.json {
		return d.line(struct {
			Zxid     string `json:"zxid"`
			Sessions int    `json:"sessions"`
			Nodes    int    `json:"nodes"`
		}{fmt.Sprintf("0x%x", uint64(zxid)), d.sessions, d.nodes})
	}
	_, err := fmt.Fprintf(d.w, "Last zxid: 0x%x, %d sessions, %d znodes\n", uint64(zxid), d.sessions, d.nodes)
	return err
}

func millis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

func aclText(acl []wire.ACL) string {
	s := ""
	for i, a := range acl {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d:%s:%s", a.Perms, a.ID.Scheme, a.ID.ID)
	}
	return "[" + s + "]"
}
