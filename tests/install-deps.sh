#!/usr/bin/env bash
# Installs the Debian packages the test suite drives, and nothing when they
# are all present (apt-get update runs only if something is missing):
#   zookeeper          Apache ZooKeeper 3.8 (the behavioural oracle) and zkCli.sh; pulls in Java
#   python3-kazoo      the kazoo client, importable by /usr/bin/python3
#   protobuf-compiler  protoc, for `make proto`
#   libservlet-api-java javax.servlet for Apache's Jetty AdminServer (the admin API oracle)
#   zookeeper-bin, libzookeeper-mt-dev  the C client (cli_mt, libzookeeper-mt and its headers; tests/clients)
#   libcurator-framework-java, libcurator-recipes-java  Curator 5.4 (tests/clients, compiled with javac)
#   procps, tmux       process inspection and pseudo-terminals for CLI tests
#   iproute2, iptables network namespaces and partitions for the ensemble tests
# Works as root without sudo; uses sudo otherwise.
set -euo pipefail

packages=(zookeeper python3-kazoo protobuf-compiler procps tmux libservlet-api-java iproute2 iptables
	zookeeper-bin libzookeeper-mt-dev libcurator-framework-java libcurator-recipes-java)

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: not a Debian system; install the equivalents of: ${packages[*]}" >&2
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y "${missing[@]}"
