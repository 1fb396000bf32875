// Package observers holds the multi-process tests of observers that join
// an ensemble by themselves (issue 4): three voters whose zoo.cfg files
// never mention an observer, and observers whose own zoo.cfg lists the
// voters and themselves, exactly as an Apache observer's does. Real
// binaries (tests/harness), real go-zookeeper clients, kill -9 faults and
// the harness's write checker.
package observers
