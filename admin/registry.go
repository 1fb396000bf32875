package admin

import "slices"

// NotServing is Apache's error for a command that needs a running server.
const NotServing = "This ZooKeeper instance is not currently serving requests"

// Command is one admin command (Apache's Command/CommandBase).
type Command struct {
	// Names lists the primary name first, then the aliases.
	Names []string
	// ServerRequired commands answer NotServing while the server does not
	// serve; the others (environment, trace mask, monitor, ...) always run.
	ServerRequired bool
	// Run answers the command. args are the URL's query parameters (the
	// first value of each).
	Run func(c *Command, src Source, args map[string]string) *Response
}

// Primary is the name responses carry.
func (c *Command) Primary() string { return c.Names[0] }

// response starts a response of this command.
func (c *Command) response() *Response { return NewResponse(c.Primary()) }

var byName = func() map[string]*Command {
	m := map[string]*Command{}
	for _, c := range slices.Concat(commands, extensions) {
		for _, n := range c.Names {
			if _, dup := m[n]; dup {
				panic("admin: command name registered twice: " + n)
			}
			m[n] = c
		}
	}
	return m
}()

// Lookup returns the command registered under name (primary or alias).
func Lookup(name string) (*Command, bool) {
	c, ok := byName[name]
	return c, ok
}

// PrimaryNames lists every command's primary name, sorted, as the command
// index page lists them. Corral's own commands (extensions) are left out,
// so that the index stays Apache's.
func PrimaryNames() []string {
	out := make([]string, 0, len(commands))
	for _, c := range commands {
		out = append(out, c.Primary())
	}
	slices.Sort(out)
	return out
}

// Run is Commands.runCommand: an unknown name and a server that does not
// serve are answered with an error naming the command as asked.
func Run(name string, src Source, args map[string]string) *Response {
	c, ok := Lookup(name)
	if !ok {
		return errorResponse(name, "Unknown command: "+name)
	}
	if c.ServerRequired && !src.Serving() {
		return errorResponse(name, NotServing)
	}
	return c.Run(c, src, args)
}
