// Package zkcli drives Apache's own command-line client, zkCli.sh, against
// Corral and against Apache ZooKeeper, checks what it prints, and requires
// both servers to make it print the same thing (zxids, times and session ids
// normalized). zkCli is what operators type into, so its messages are part
// of the compatibility surface.
package zkcli
