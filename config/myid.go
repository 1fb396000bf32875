package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ProvideMyID makes sure the dataDir named by the zoo.cfg at path holds a
// myid file with id, before Load reads it. It is what Apache's container
// entrypoints do with ZOO_MY_ID, built in so that an image without a shell
// (Corral's is FROM scratch) can be given its id on the command line.
//
// A missing myid is written (dataDir is created); an existing one must
// already say id, because silently renumbering a server that holds data
// would make it vote with another server's history.
func ProvideMyID(path string, id int64) error {
	if id < 0 {
		return &Error{File: path, Msg: fmt.Sprintf("server id %d: must not be negative", id)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{File: path, Msg: err.Error()}
	}
	props, err := readProperties(data)
	if err != nil {
		return &Error{File: path, Msg: err.Error()}
	}
	_, values := collect(props)
	dir, ok := values["dataDir"]
	if !ok || dir == "" {
		return errorf(path, "dataDir", "is not set: there is nowhere to write myid")
	}
	if wd, err := os.Getwd(); err == nil {
		dir = resolve(wd, dir)
	}
	have, ok, err := readMyID(dir)
	switch {
	case err != nil:
		return err
	case ok && have != id:
		return &Error{File: filepath.Join(dir, "myid"),
			Msg: fmt.Sprintf("says %d but %d was asked for: remove it, or start with --myid %d", have, id, have)}
	case ok:
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &Error{File: dir, Msg: err.Error()}
	}
	tmp := filepath.Join(dir, "myid.tmp")
	if err := os.WriteFile(tmp, []byte(strconv.FormatInt(id, 10)+"\n"), 0o644); err != nil {
		return &Error{File: tmp, Msg: err.Error()}
	}
	if err := os.Rename(tmp, filepath.Join(dir, "myid")); err != nil {
		return &Error{File: tmp, Msg: err.Error()}
	}
	return nil
}

// MyIDFromHostname derives a server id from a StatefulSet-style host name
// "<name>-<ordinal>": the ordinal plus one, since ordinals start at 0 and
// Apache's server ids conventionally at 1 ("corral-0" is server 1).
func MyIDFromHostname(host string) (int64, error) {
	host, _, _ = strings.Cut(host, ".")
	i := strings.LastIndexByte(host, '-')
	if i < 0 || i == len(host)-1 {
		return 0, fmt.Errorf("host name %q does not end in -<ordinal>", host)
	}
	n, err := strconv.ParseInt(host[i+1:], 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("host name %q does not end in -<ordinal>", host)
	}
	return n + 1, nil
}
