package cli

import "regexp"

// argsPattern is ZooKeeperMain.MyCommandOptions.ARGS_PATTERN: a word is
// either unquoted (anything up to whitespace, quotes included) or a whole
// "..." or '...' string. A stray quote that starts no complete quoted
// string is skipped, as Java's Matcher.find skips it. RE2's leftmost-first
// matching picks the same words as Java's backtracking matcher.
var argsPattern = regexp.MustCompile(`\s*([^"']\S*|"[^"]*"|'[^']*')\s*`)

// splitLine breaks a shell line into words exactly as zkCli does, so that
// `create /a "hello world"` and `set /a 'x y'` carry the same data. A word
// wrapped in matching quotes loses them (QUOTED_PATTERN).
func splitLine(line string) []string {
	var args []string
	for _, m := range argsPattern.FindAllStringSubmatch(line, -1) {
		v := m[1]
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		args = append(args, v)
	}
	return args
}
