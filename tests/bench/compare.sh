#!/usr/bin/env bash
# Side-by-side quick load: Corral and Apache ZooKeeper 3.8 (Debian package),
# both standalone on loopback, same tickTime, 32 clients doing getData and 32
# doing setData, one after the other against each server. Prints one row per
# (server, workload). Not part of CI.
#   usage: tests/bench/compare.sh [duration]   (default 10s)
set -euo pipefail
cd "$(dirname "$0")/../.."
dur=${1:-10s}
tests/install-deps.sh
go build -o bin/corral ./cmd/corral
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/corral" "$work/zk"
cat > "$work/corral.cfg" <<CFG
tickTime=2000
dataDir=$work/corral
clientPort=22181
clientPortAddress=127.0.0.1
maxClientCnxns=0
CFG
cat > "$work/zk.cfg" <<CFG
tickTime=2000
dataDir=$work/zk
clientPort=22182
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
CFG
bin/corral server --config "$work/corral.cfg" --log-level warn &
java -Xmx2g -cp "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar" \
  -Dzookeeper.log.dir="$work" -Dzookeeper.root.logger=WARN,CONSOLE \
  org.apache.zookeeper.server.ZooKeeperServerMain "$work/zk.cfg" > "$work/zk.log" 2>&1 &
for port in 22181 22182; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done
sleep 1
for w in get set; do
  bin/corral bench -server 127.0.0.1:22181 -workload $w -clients 32 -duration "$dur" -label corral
  bin/corral bench -server 127.0.0.1:22182 -workload $w -clients 32 -duration "$dur" -label apache
done
