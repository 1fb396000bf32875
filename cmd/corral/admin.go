package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/corral-zk/corral/wire"
)

func init() {
	register(command{name: "admin", summary: "[-timeout d] HOST:PORT CMD [MASK]   send a four-letter word (srvr, mntr, ruok, ...) and print the answer", run: runAdmin})
}

// runAdmin is `corral admin HOST:PORT CMD`: what `echo CMD | nc HOST PORT`
// does, without needing nc. The server answers on the client port and
// closes the connection; a word outside 4lw.commands.whitelist gets
// Apache's "is not executed because it is not in the whitelist." line.
func runAdmin(args []string) error {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 10*time.Second, "bound on connecting and on the whole answer")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: corral admin [-timeout d] HOST:PORT CMD [MASK]\n\nCMD is a four-letter word: conf cons crst dirs dump envi gtmk hash isro mntr ruok srst srvr stat stmk wchc wchp wchs\n(stmk takes the new trace mask as a number)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 || fs.NArg() > 3 || (fs.NArg() == 3) != (fs.Arg(1) == "stmk") {
		fs.Usage()
		return errors.New("admin: want HOST:PORT and CMD (and MASK for stmk)")
	}
	addr, cmd := fs.Arg(0), fs.Arg(1)
	if len(cmd) != 4 {
		return fmt.Errorf("admin: %q is not a four-letter word", cmd)
	}
	if _, ok := wire.FourLetterWord(int32(uint32(cmd[0])<<24 | uint32(cmd[1])<<16 | uint32(cmd[2])<<8 | uint32(cmd[3]))); !ok {
		return fmt.Errorf("admin: %q is not a four-letter word the server knows", cmd)
	}
	conn, err := net.DialTimeout("tcp", addr, *timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(*timeout))
	req := []byte(cmd)
	if cmd == "stmk" {
		// set the trace mask: the word is followed by the mask as 8 bytes
		mask, err := strconv.ParseInt(fs.Arg(2), 0, 64)
		if err != nil {
			return fmt.Errorf("admin: stmk mask %q: %w", fs.Arg(2), err)
		}
		req = binary.BigEndian.AppendUint64(req, uint64(mask))
	}
	if _, err := conn.Write(req); err != nil {
		return err
	}
	_, err = io.Copy(os.Stdout, conn)
	return err
}
