package harness

import (
	"fmt"
	"sort"
	"strings"
)

// DefaultTickTime is the tickTime written when Options.TickTime is 0 (ms).
const DefaultTickTime = 2000

// ZooCfg renders the standalone zoo.cfg the harness gives both Corral and
// Apache, so that the two servers always run with the same settings: tickTime,
// dataDir, a loopback clientPort, every four-letter word enabled, the Jetty
// AdminServer off (Apache would otherwise take port 8080 and collide with the
// next server), then extra in sorted key order; extra may override any of the
// defaults.
func ZooCfg(tickTime int, dataDir string, port int, extra map[string]string) string {
	if tickTime == 0 {
		tickTime = DefaultTickTime
	}
	base := [][2]string{
		{"tickTime", fmt.Sprint(tickTime)},
		{"dataDir", dataDir},
		{"clientPort", fmt.Sprint(port)},
		{"clientPortAddress", "127.0.0.1"},
		{"4lw.commands.whitelist", "*"},
		{"admin.enableServer", "false"},
	}
	var b strings.Builder
	for _, kv := range base {
		if _, overridden := extra[kv[0]]; overridden {
			continue
		}
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, extra[k])
	}
	return b.String()
}
