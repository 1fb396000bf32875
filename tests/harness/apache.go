package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// apacheClasspath is Debian's server classpath: the config dir, zookeeper.jar
// (its manifest Class-Path pulls in jute, netty, jetty, slf4j-api, ...) and
// the slf4j -> log4j 1.2 binding that zookeeper.jar does not reference, so
// that the server logs through our log4j.properties instead of slf4j's NOP.
var apacheClasspath = []string{
	ZooConfDir,
	ZooKeeperJar,
	"/usr/share/java/slf4j-log4j12.jar",
	"/usr/share/java/log4j-1.2.jar",
	// The Jetty AdminServer needs javax.servlet, which zookeeper.jar's
	// manifest omits (Debian's zkServer.sh cannot start it either); it is
	// only loaded when a test sets admin.enableServer=true.
	"/usr/share/java/servlet-api.jar",
}

// fastJVMFlags trade peak throughput for startup time, which dominates in
// tests: C1 only, serial GC, no perf-data file.
var fastJVMFlags = []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"}

const apacheLog4j = `log4j.rootLogger=INFO, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=${zookeeper.log.dir}/zookeeper.log
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
`

// StartApache starts Apache ZooKeeper 3.8 (Debian's zookeeper package) in
// standalone mode with the harness zoo.cfg, as the oracle to compare Corral
// with. It logs to zookeeper.log in the server's directory.
func StartApache(t testing.TB, opts Options) *Server {
	t.Helper()
	RequireApache(t)
	return newServer(t, "apache", opts, func(s *Server) []string {
		log4j := filepath.Join(s.Dir, "log4j.properties")
		if err := os.WriteFile(log4j, []byte(apacheLog4j), 0o644); err != nil {
			t.Fatalf("harness: %v", err)
		}
		s.logPaths = append(s.logPaths, filepath.Join(s.Dir, "zookeeper.log"))
		props := map[string]string{
			"zookeeper.log.dir":           s.Dir,
			"zookeeper.log.file":          "zookeeper.log",
			"log4j.configuration":         "file:" + log4j,
			"zookeeper.jmx.log4j.disable": "true",
			"zookeeper.forceSync":         "no", // tests never survive a power cut; fsync only slows them
			"java.net.preferIPv4Stack":    "true",
		}
		for k, v := range opts.Config {
			if jvmOnlyKey(k) {
				props[k] = v
			}
		}
		for k, v := range opts.JVMProps {
			props[k] = v
		}
		argv := append([]string{JavaPath, "-Xmx512m"}, fastJVMFlags...)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			argv = append(argv, fmt.Sprintf("-D%s=%s", k, props[k]))
		}
		return append(argv, "-cp", strings.Join(apacheClasspath, ":"),
			"org.apache.zookeeper.server.ZooKeeperServerMain", s.ConfigPath)
	})
}

// jvmOnlyKey reports whether Apache reads a setting only as a bare JVM
// system property (zoo.cfg would turn it into "zookeeper.<key>", which
// nothing reads). Corral reads these keys from zoo.cfg, so Options.Config
// is the single place a test sets them and StartApache passes them as -D too.
func jvmOnlyKey(k string) bool {
	return strings.HasPrefix(k, "znode.container.") || k == "jute.maxbuffer"
}
