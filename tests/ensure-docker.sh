#!/usr/bin/env bash
# Makes sure a Docker engine answers, for tests/deploy (the image and the
# Compose ensemble). Nothing happens when `docker info` already works. On a
# machine where the engine is installed but not running (a CI runner whose
# session did not start it), dockerd is started in the background. Without
# Docker at all this only says so: tests/deploy then fails in CI and skips
# elsewhere, with the reason.
set -uo pipefail

if docker info >/dev/null 2>&1; then
	exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
	echo "ensure-docker: no Docker engine installed; tests/deploy needs one" >&2
	exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	sudo=(sudo -n)
fi
echo "ensure-docker: starting dockerd" >&2
"${sudo[@]}" sh -c 'nohup dockerd >/tmp/dockerd.log 2>&1 &' || true
for _ in $(seq 1 60); do
	if docker info >/dev/null 2>&1; then
		exit 0
	fi
	sleep 0.5
done
echo "ensure-docker: dockerd did not answer within 30 s (see /tmp/dockerd.log)" >&2
exit 0
