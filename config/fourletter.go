package config

import (
	"slices"
	"strings"
)

// FourLetterWords are the commands Apache 3.8 knows (FourLetterCommands);
// "*" in 4lw.commands.whitelist enables exactly these.
var FourLetterWords = []string{
	"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro",
	"mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs",
}

// FourLetterAllowed reports whether the four-letter word cmd may run, by
// FourLetterCommands.isEnabled's rules: only the whitelisted commands, "*"
// for all, "srvr" always (zkServer.sh status depends on it) and "isro" when
// readonlymode.enabled is true. Apache splits the list on commas only;
// blanks are accepted as separators too, since no command contains one.
// Unknown commands are never allowed.
func (c *Config) FourLetterAllowed(cmd string) bool {
	if !slices.Contains(FourLetterWords, cmd) {
		return false
	}
	if cmd == "srvr" || (cmd == "isro" && c.ReadOnlyModeEnabled) {
		return true
	}
	for _, w := range strings.FieldsFunc(c.FourLetterWhitelist, func(r rune) bool {
		return r == ',' || r <= ' '
	}) {
		if w == "*" || w == cmd {
			return true
		}
	}
	return false
}
