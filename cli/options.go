package cli

import "strings"

// This file is the part of Apache commons-cli's DefaultParser (1.5, the
// version Debian's zkCli runs with) that zkCli's commands use: short
// options, with or without a value, given as "-v 3", "-v3", "-v=3", or
// concatenated ("-sw"); "--" ends the options; anything else starting with
// "-" is an error. The errors carry commons-cli's exception text, which
// zkCli prints verbatim ("org.apache.commons.cli.UnrecognizedOptionException:
// Unrecognized option: -x").

// optSpec declares one option: its name (one letter, or a word such as
// reconfig's "-file") and whether it takes a value.
type optSpec struct {
	name   string
	hasArg bool
}

// cmdLine is a parsed command line: the non-option words (args[0] is the
// command itself) and the options seen with their first value.
type cmdLine struct {
	args  []string
	opts  map[string]string
	seen  map[string]bool
	order []string // options in the order given, for option groups
}

func (c *cmdLine) has(name string) bool { return c.seen[name] }

func (c *cmdLine) value(name string) string { return c.opts[name] }

const (
	unrecognizedOption = "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: "
	missingArgument    = "org.apache.commons.cli.MissingArgumentException: Missing argument for option: "
)

// parseOptions parses words against specs as DefaultParser.parse does.
func parseOptions(specs []optSpec, words []string) (*cmdLine, error) {
	p := &optParser{specs: specs, cl: &cmdLine{opts: map[string]string{}, seen: map[string]bool{}}}
	for _, w := range words {
		if err := p.token(w); err != nil {
			return nil, err
		}
	}
	if err := p.checkRequiredArg(); err != nil {
		return nil, err
	}
	return p.cl, nil
}

type optParser struct {
	specs []optSpec
	cl    *cmdLine
	skip  bool
	cur   *optSpec // the option waiting for its value
}

func (p *optParser) find(name string) *optSpec {
	for i := range p.specs {
		if p.specs[i].name == name {
			return &p.specs[i]
		}
	}
	return nil
}

// isOption is DefaultParser.isShortOption (zkCli defines no long
// options): "-x..." where x, or the whole name before "=", is an option.
func (p *optParser) isOption(tok string) bool {
	if !strings.HasPrefix(tok, "-") || len(tok) == 1 {
		return false
	}
	name := tok[1:]
	if i := strings.IndexByte(name, '='); i >= 0 {
		name = name[:i]
	}
	if p.find(name) != nil {
		return true
	}
	return len(name) > 0 && p.find(name[:1]) != nil
}

func isNegativeNumber(tok string) bool {
	if len(tok) < 2 || tok[0] != '-' {
		return false
	}
	dot := false
	for i, r := range tok[1:] {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' && !dot && i > 0:
			dot = true
		default:
			return false
		}
	}
	return true
}

func (p *optParser) token(tok string) error {
	switch {
	case p.skip:
		p.cl.args = append(p.cl.args, tok)
	case tok == "--":
		p.skip = true
	case p.cur != nil && (!p.isOption(tok) || isNegativeNumber(tok)):
		p.setValue(stripQuotes(tok))
	case strings.HasPrefix(tok, "--"):
		return p.unknown(tok)
	case strings.HasPrefix(tok, "-") && tok != "-":
		if err := p.shortOption(tok); err != nil {
			return err
		}
	default:
		p.cl.args = append(p.cl.args, tok)
	}
	return nil
}

func (p *optParser) unknown(tok string) error {
	if strings.HasPrefix(tok, "-") && len(tok) > 1 {
		return &cliError{msg: unrecognizedOption + tok, code: 1}
	}
	p.cl.args = append(p.cl.args, tok)
	return nil
}

func (p *optParser) checkRequiredArg() error {
	if p.cur != nil {
		return &cliError{msg: missingArgument + p.cur.name, code: 1}
	}
	return nil
}

// handle records an option; one that takes a value waits for it.
func (p *optParser) handle(o *optSpec) error {
	if err := p.checkRequiredArg(); err != nil {
		return err
	}
	p.cl.seen[o.name] = true
	p.cl.order = append(p.cl.order, o.name)
	if o.hasArg {
		p.cur = o
	}
	return nil
}

func (p *optParser) setValue(v string) {
	if _, dup := p.cl.opts[p.cur.name]; !dup {
		p.cl.opts[p.cur.name] = v
	}
	p.cur = nil
}

// shortOption is DefaultParser.handleShortAndLongOption for "-..." tokens.
func (p *optParser) shortOption(tok string) error {
	t := tok[1:]
	eq := strings.IndexByte(t, '=')
	switch {
	case len(t) == 1:
		if o := p.find(t); o != nil {
			return p.handle(o)
		}
		return p.unknown(tok)
	case eq < 0:
		if o := p.find(t); o != nil {
			return p.handle(o)
		}
		return p.concatenated(tok)
	default:
		name, val := t[:eq], t[eq+1:]
		if o := p.find(name); o != nil && len(name) == 1 && o.hasArg {
			if err := p.handle(o); err != nil {
				return err
			}
			p.setValue(val)
			return nil
		}
		return p.unknown(tok)
	}
}

// concatenated is DefaultParser.handleConcatenatedOptions: "-sw" is -s -w,
// and "-v3" is -v with value 3.
func (p *optParser) concatenated(tok string) error {
	for i := 1; i < len(tok); i++ {
		o := p.find(tok[i : i+1])
		if o == nil {
			return p.unknown(tok)
		}
		if err := p.handle(o); err != nil {
			return err
		}
		if p.cur != nil && len(tok) != i+1 {
			p.setValue(stripQuotes(tok[i+1:]))
			break
		}
	}
	return nil
}

// stripQuotes is commons-cli's Util.stripLeadingAndTrailingQuotes.
func stripQuotes(s string) string {
	if len(s) > 1 && s[0] == '"' && s[len(s)-1] == '"' && !strings.Contains(s[1:len(s)-1], `"`) {
		return s[1 : len(s)-1]
	}
	return s
}
