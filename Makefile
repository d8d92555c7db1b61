# airlock: run with `make help` for the targets.
SHELL := /bin/bash
GO    ?= go
ARCH  ?= $(shell $(GO) env GOARCH 2>/dev/null || echo amd64)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN   := bin
AIRLOCK := $(BIN)/airlock
GUEST := $(BIN)/airlock-guest-linux-$(ARCH)
GOFILES := $(shell find . -name '*.go' -not -path './bin/*') go.mod go.sum

ENTITLEMENTS := build/darwin/airlock.entitlements

.PHONY: help deps node-deps refbench build image image-arm64 test test-short demo bench fuzz lint clean darwincheck sign test-vz

help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

deps: ## install what is missing: QEMU (apt), package lists for the kernel .deb, Go modules
	@command -v $(GO) >/dev/null || { echo "Go is required (go.mod names the version); install it first" >&2; exit 1; }
	@command -v qemu-system-x86_64 >/dev/null || { \
		echo "installing QEMU"; \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-system-x86 ; }
	@apt-cache show linux-image-$(ARCH) >/dev/null 2>&1 || $(SUDO) apt-get update -q
	@$(GO) mod download

build: $(AIRLOCK) $(GUEST) ## build bin/airlock and the static guest agent

$(AIRLOCK): $(GOFILES)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/airlock

$(GUEST): $(GOFILES)
	CGO_ENABLED=0 GOOS=linux GOARCH=$(ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/airlock-guest

image: deps build ## build the guest image (kernel .deb via apt-get download; cached, idempotent)
	$(AIRLOCK) image build --agent $(GUEST)

node-deps: ## install Node and the pinned MCP clients and reference server the interop tests use (npm; no lock file is kept)
	@command -v node >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm ; }
	@test test/node/node_modules/.stamp -nt test/node/package.json || \
		(cd test/node && npm install --no-package-lock --no-audit --no-fund --loglevel=error && touch node_modules/.stamp)

refbench: deps build node-deps ## airlock vs the reference filesystem server: p50/p99 latency table (slow under TCG)
	AIRLOCK_IMAGE="$$($(AIRLOCK) image build --agent $(GUEST))" && export AIRLOCK_IMAGE && \
		AIRLOCK_REFBENCH=1 $(GO) test -count=1 -timeout 40m -run 'TestVersusReference' -v ./mcp

test: deps node-deps build image-arm64 ## gofmt, vet, darwin type-check, then every test including real-VM tests under QEMU (builds the images first)
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run ./cmd/darwincheck ./...
	AIRLOCK_IMAGE="$$($(AIRLOCK) image build --agent $(GUEST))" && export AIRLOCK_IMAGE && \
		$(GO) test -count=1 -timeout 25m ./...

test-short: ## unit tests only (fake backend, no VMs)
	$(GO) test -short ./...

demo: deps build ## boot a VM on a sample folder and exercise it end to end
	$(AIRLOCK) demo

bench: deps build ## benchmarks (compare runs with benchstat)
	AIRLOCK_IMAGE="$$($(AIRLOCK) image build --agent $(GUEST))" && export AIRLOCK_IMAGE && \
		$(GO) test -run '^$$' -bench . -benchtime 5x -count 1 ./vm/...

fuzz: ## run each fuzz target for 30 s
	$(GO) test -run '^$$' -fuzz FuzzReadFrame -fuzztime 30s ./vm/guestproto
	$(GO) test -run '^$$' -fuzz FuzzDecodeResponse -fuzztime 30s ./vm/guestproto

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

darwincheck: ## type-check every package for darwin/arm64 against the real vz sources (works on Linux)
	$(GO) run ./cmd/darwincheck ./...

sign: $(AIRLOCK) ## macOS: sign bin/airlock with the virtualization entitlement (vz backend); again after each build
	@[ "$$(uname -s)" = Darwin ] || { echo "sign: codesign exists only on macOS" >&2; exit 1; }
	codesign --force --entitlements $(ENTITLEMENTS) -s - $(AIRLOCK)
	codesign -d --entitlements - $(AIRLOCK)

test-vz: ## macOS: vz conformance suite on real VMs (test binaries signed by build/darwin/codesign-exec; needs the arm64 image)
	@[ "$$(uname -s)" = Darwin ] || { echo "test-vz: runs only on macOS; here \`make darwincheck\` type-checks vm/vz and its tests" >&2; exit 1; }
	$(GO) test -count=1 -timeout 20m -exec "$(CURDIR)/build/darwin/codesign-exec" ./vm/vz

GUEST_ARM64 := $(BIN)/airlock-guest-linux-arm64

# Guest agents for other architectures than the host's (make image-arm64).
$(BIN)/airlock-guest-linux-%: $(GOFILES)
	CGO_ENABLED=0 GOOS=linux GOARCH=$* $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/airlock-guest

image-arm64: $(AIRLOCK) $(GUEST_ARM64) ## the arm64 guest image for macOS (vz), built on Debian; enables arm64 in dpkg if needed, then verifies it
	@[ "$$(dpkg --print-architecture 2>/dev/null)" = arm64 ] || dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 || { \
		echo "enabling arm64 in dpkg for its kernel package: dpkg --add-architecture arm64 && apt-get update"; \
		$(SUDO) dpkg --add-architecture arm64 && $(SUDO) apt-get update -q ; }
	$(AIRLOCK) image build --arch arm64 --agent $(GUEST_ARM64)
	$(AIRLOCK) image info --arch arm64

clean: ## remove build outputs (the image cache stays; see `airlock image info`)
	rm -rf $(BIN)
