package fourletter

import (
	"bytes"
	"slices"
)

// writeWatches renders WatchCommand: wchs is WatchManager.toString, wchc
// and wchp are WatchManager.dumpWatches by connection and by path. Each
// ends with the extra newline WatchCommand prints. Sessions and paths are
// sorted because Apache's HashMap order depends on the table's history.
func writeWatches(b *bytes.Buffer, src Source, cmd string) {
	switch cmd {
	case CmdWchs:
		conns, paths, total := src.WatchSummary()
		b.WriteString(itoa(int64(conns)) + " connections watching " + itoa(int64(paths)) + " paths\n")
		b.WriteString("Total watches:" + itoa(int64(total)))
	case CmdWchc:
		byConn := src.WatchesByConn()
		ids := make([]int64, 0, len(byConn))
		for id := range byConn {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			b.WriteString("0x" + javaHex(id) + "\n")
			paths := slices.Clone(byConn[id])
			slices.Sort(paths)
			for _, p := range paths {
				b.WriteString("\t" + p + "\n")
			}
		}
	case CmdWchp:
		byPath := src.WatchesByPath()
		paths := make([]string, 0, len(byPath))
		for p := range byPath {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths {
			b.WriteString(p + "\n")
			ids := slices.Clone(byPath[p])
			slices.Sort(ids)
			for _, id := range ids {
				b.WriteString("\t0x" + javaHex(id) + "\n")
			}
		}
	}
	b.WriteByte('\n')
}
