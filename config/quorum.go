package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// setQuorum reads the server.N, group.N and weight.N keys (from zoo.cfg or
// the dynamic file) and applies parseDynamicConfig's membership rules.
func (c *Config) setQuorum(keys []string, values map[string]string, p *fieldParser) {
	byID := map[int64]Server{}
	for _, k := range keys {
		v := values[k]
		switch {
		case strings.HasPrefix(k, "server."):
			id, ok := parseJavaInt(k[len("server."):], 64)
			if !ok {
				p.fail(k, "%q is not a server id", k[len("server."):])
				return
			}
			s, ok := parseServer(id, k, v, c.MultiAddressEnabled, p)
			if !ok {
				return
			}
			if _, dup := byID[id]; dup {
				p.warn("%s: server id %d appears twice, the later line wins", k, id)
			}
			byID[id] = s
		case strings.HasPrefix(k, "group"):
			c.setIndexed(k, v, c.Groups, p)
		case strings.HasPrefix(k, "weight"):
			c.setIndexed(k, v, c.Weights, p)
		}
		if p.err != nil {
			return
		}
	}
	c.Servers = c.Servers[:0]
	for _, s := range byID {
		c.Servers = append(c.Servers, s)
	}
	sort.Slice(c.Servers, func(i, j int) bool { return c.Servers[i].ID < c.Servers[j].ID })

	participants, observers := c.countRoles()
	switch {
	case participants == 0:
		if !c.StandaloneEnabled {
			p.fail("standaloneEnabled", "is false, so at least one participant server.N line is needed")
		} else if observers > 0 {
			p.fail("server."+strconv.FormatInt(c.firstObserver(), 10), "observers without participants is an invalid configuration")
		}
	case participants == 1 && c.StandaloneEnabled:
		// HBase writes a single server line; Apache ignores it.
		p.warn("only one server specified (ignoring it): running standalone")
		if observers > 0 {
			p.fail("server."+strconv.FormatInt(c.firstObserver(), 10), "observers without a quorum is an invalid configuration")
		}
	default:
		if participants <= 2 {
			p.warn("no server failure will be tolerated: you need at least 3 servers")
		} else if participants%2 == 0 {
			p.warn("non-optimal configuration: consider an odd number of servers")
		}
	}
}

// setIndexed stores group.N / weight.N verbatim under N.
func (c *Config) setIndexed(k, v string, dst map[int64]string, p *fieldParser) {
	_, suffix, _ := strings.Cut(k, ".")
	n, ok := parseJavaInt(suffix, 64)
	if !ok || !strings.Contains(k, ".") {
		p.fail(k, "%q is not a group or server id", suffix)
		return
	}
	dst[n] = v
}

func (c *Config) countRoles() (participants, observers int) {
	for _, s := range c.Servers {
		if s.Type == Observer {
			observers++
		} else {
			participants++
		}
	}
	return participants, observers
}

func (c *Config) firstObserver() int64 {
	for _, s := range c.Servers {
		if s.Type == Observer {
			return s.ID
		}
	}
	return -1
}

// setupServerRole reads myid and derives this server's client address and
// role, then checks what replicated mode requires (setupMyId,
// setupClientPort, setupPeerType, checkValidity).
func (c *Config) setupServerRole(p *fieldParser) error {
	id, ok, err := readMyID(c.DataDir)
	if err != nil {
		return err
	}
	if ok {
		c.ServerID = id
	}
	myidFile := filepath.Join(c.DataDir, "myid")
	if c.ServerID != -1 {
		if own, ok := c.Server(c.ServerID); ok {
			if own.Client != nil {
				if c.ClientPort != 0 && !sameClientAddress(c.ClientPortAddress, c.ClientPort, *own.Client) {
					return errorf(c.File, "clientPort", "%s differs from the client address %s of server.%d",
						Address{Host: orAny(c.ClientPortAddress), Port: c.ClientPort}, own.Client, c.ServerID)
				}
				c.ClientPortAddress, c.ClientPort = own.Client.Host, own.Client.Port
			}
		}
		if c.ExtendedTypesEnabled && c.ServerID > 254 {
			return errorf(myidFile, "", "server id %d is above 254, the limit while extendedTypesEnabled is true", c.ServerID)
		}
	}
	// The server list decides the role; peerType only has to agree.
	role := Participant
	if own, ok := c.Server(c.ServerID); ok && c.ServerID != -1 {
		role = own.Type
	}
	if role != c.PeerType {
		p.warn("peerType %s does not match the server list (%s for server %d): using the server list", c.PeerType, role, c.ServerID)
		c.PeerType = role
	}
	if !c.IsStandalone() {
		switch {
		case c.InitLimit == 0:
			return errorf(c.File, "initLimit", "is not set (required with several servers)")
		case c.SyncLimit == 0:
			return errorf(c.File, "syncLimit", "is not set (required with several servers)")
		case c.ServerID == -1:
			return errorf(myidFile, "", "is missing (required with several servers)")
		}
		if _, ok := c.Server(c.ServerID); !ok {
			return errorf(myidFile, "", "server id %d has no server.%d line", c.ServerID, c.ServerID)
		}
	}
	return nil
}

// sameClientAddress is setupClientPort's comparison: a wildcard static
// address only has to agree on the port.
func sameClientAddress(host string, port int, own Address) bool {
	if isWildcard(host) {
		return port == own.Port
	}
	return host == own.Host && port == own.Port
}

func isWildcard(host string) bool {
	switch host {
	case "", "0.0.0.0", "::", "0:0:0:0:0:0:0:0":
		return true
	}
	return false
}

func orAny(host string) string {
	if host == "" {
		return "0.0.0.0"
	}
	return host
}

// IsStandalone reports whether the server runs alone: no server.N lines,
// or a single participant while standaloneEnabled is true (the inverse of
// QuorumPeerConfig.isDistributed).
func (c *Config) IsStandalone() bool {
	participants, _ := c.countRoles()
	return c.StandaloneEnabled && participants <= 1
}

// SessionTrackerID is the server id to put in the top byte of session ids:
// myid in replicated mode, and 1 for a standalone server, whatever its myid,
// as ZooKeeperServer.createSessionTrackerServerId defaults to 1.
func (c *Config) SessionTrackerID() int64 {
	if c.IsStandalone() {
		return 1
	}
	return c.ServerID
}

// IsObserver reports whether this server observes rather than votes.
func (c *Config) IsObserver() bool { return c.PeerType == Observer }

// Server returns the server.N line of id.
func (c *Config) Server(id int64) (Server, bool) {
	i, ok := slices.BinarySearchFunc(c.Servers, id, func(s Server, id int64) int {
		switch {
		case s.ID < id:
			return -1
		case s.ID > id:
			return 1
		}
		return 0
	})
	if !ok {
		return Server{}, false
	}
	return c.Servers[i], true
}

// QuorumString renders the membership as QuorumVerifier.toString does,
// the content of the /zookeeper/config znode: server.N lines by id, then
// group.N and weight.N lines, then "version=<hex>".
func (c *Config) QuorumString() string {
	var b strings.Builder
	for _, s := range c.Servers {
		fmt.Fprintf(&b, "server.%d=%s\n", s.ID, s)
	}
	for _, kv := range []struct {
		prefix string
		m      map[int64]string
	}{{"group", c.Groups}, {"weight", c.Weights}} {
		ids := make([]int64, 0, len(kv.m))
		for id := range kv.m {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			fmt.Fprintf(&b, "%s.%d=%s\n", kv.prefix, id, kv.m[id])
		}
	}
	fmt.Fprintf(&b, "version=%x", c.QuorumVersion)
	return b.String()
}
