# `make test` is exactly what CI runs (.ci/run).

GO ?= go

# protoc-gen-go must match the google.golang.org/protobuf version in go.mod,
# so that regenerated code matches the runtime it is compiled against.
PROTOBUF_VERSION = $(shell $(GO) list -m -f '{{.Version}}' google.golang.org/protobuf)

.PHONY: test deps fmt-check vet build image proto bench

test: deps fmt-check vet
	$(GO) test -count=1 -timeout 30m ./...

deps:
	tests/install-deps.sh
	tests/ensure-docker.sh

# Every .go file except generated ones ("// Code generated ... DO NOT EDIT.")
# and the harness build cache must be gofmt-clean.
fmt-check:
	@files=$$(find . -path ./.git -prune -o -path ./tests/.cache -prune -o -name '*.go' -type f -print \
		| xargs -r grep -L '^// Code generated .* DO NOT EDIT\.$$' | xargs -r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt -l reports unformatted files:"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet ./...

build:
	CGO_ENABLED=0 $(GO) build -o bin/corral ./cmd/corral

# The container image (deploy/docker): a static binary FROM scratch, built
# without a registry. IMAGE names it.
IMAGE ?= corral:dev
image:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w" -o deploy/docker/corral ./cmd/corral
	docker build -t $(IMAGE) deploy/docker

# Side-by-side benchmark against Apache ZooKeeper 3.8 (takes minutes; not part
# of test). Flags go through BENCH_FLAGS, e.g.
#   make bench BENCH_FLAGS="-duration 10s -populate 100000"
# See docs/PERFORMANCE.md.
bench:
	tests/bench/compare.sh $(BENCH_FLAGS)

proto:
	$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOBUF_VERSION)
	cd messages && PATH="$$($(GO) env GOPATH)/bin:$$PATH" protoc --go_out=. --go_opt=paths=source_relative -I . *.proto
