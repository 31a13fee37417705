# scfx — build, test, check, bench. `make test` and `make check` fetch what they need
# (linters from the Go module proxy, redis-server via apt-get, geth built from the
# go-ethereum module) into .cache/ by themselves.
GO        ?= go
CACHE     := $(CURDIR)/.cache
BIN       := $(CACHE)/bin
STATICCHECK_VERSION := v0.8.2
# Fuzz budgets are execution counts, about 10 s of each target on the 2-core machine:
# a duration (-fuzztime 10s) races Go 1.26's fuzz coordinator at the deadline and
# fails a clean run with "context deadline exceeded" (go.dev/issue/75804, fixed in 1.27).
FUZZ_USCC    ?= 200000x
FUZZ_COMMAND ?= 5000x
FUZZ_JOURNAL ?= 3000x
FUZZ_ROUTER  ?= 10000x
SIM_RUNS  ?= 200
SIM_STEPS ?= 400
PKGS      := ./...

.PHONY: build test check fmt vet lint licenses race sim fuzz bench contracts contracts-check console console-check tools deps

## build: the server and CLI (bin/scfx) and the bare baseline that `scfx bench compare`
## runs beside it (bin/scfx-baseline)
build:
	$(GO) build -o bin/scfx ./cmd/scfx
	$(GO) build -o bin/scfx-baseline ./cmd/scfx-baseline

## test: every test of every package (starts its own Redis and geth where a test needs them)
test: tools deps
	PATH="$(BIN):$$PATH" $(GO) test -count=1 -timeout 45m $(PKGS)

## check: formatting, vet, staticcheck, dependency licences, race tests, the simulation
## over many seeds, contract drift, brief fuzzing
check: fmt vet lint licenses race sim contracts-check console-check fuzz

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@out=$$(for f in $$(git ls-files '*.go'); do head -1 "$$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || echo "$$f"; done); \
		if [ -n "$$out" ]; then echo "SPDX header (// SPDX-License-Identifier: Apache-2.0) missing:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

## licenses: every Go module ./... imports and every npm package of contracts/ and console/ is under
## a licence compatible with Apache-2.0 (offline: the module cache and package-lock.json)
licenses:
	$(GO) run ./internal/licensecheck

lint: $(BIN)/staticcheck
	$(BIN)/staticcheck $(PKGS)

race: tools
	PATH="$(BIN):$$PATH" $(GO) test -race -count=1 -timeout 45m -short $(PKGS)

## sim: matcher's simulation test over SIM_RUNS seeds of SIM_STEPS steps each, without
## the race detector (the race pass runs it too, short). The long sweep of
## docs/benchmarks.md: make sim SIM_RUNS=10000.
sim:
	$(GO) test -count=1 -timeout 0 -run '^TestSimulation$$' ./matcher -sim.runs=$(SIM_RUNS) -sim.steps=$(SIM_STEPS)

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCheck$$' -fuzztime $(FUZZ_USCC) ./uscc
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCommand$$' -fuzztime $(FUZZ_COMMAND) ./matcher
	$(GO) test -run '^$$' -fuzz '^FuzzOpenFile$$' -fuzztime $(FUZZ_JOURNAL) ./journal
	$(GO) test -run '^$$' -fuzz '^FuzzRouter$$' -fuzztime $(FUZZ_ROUTER) ./api

## bench: the benchmarks of docs/benchmarks.md
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s -count 3 ./matcher ./journal ./node

contracts:
	bash contracts/build.sh

contracts-check:
	bash contracts/check.sh

## console: the web console, console/ (TypeScript, ethers) bundled by the pinned esbuild
## into api/console/, which the server embeds; console-check fails when those differ
console:
	bash console/build.sh

console-check:
	bash console/check.sh

tools: $(BIN)/staticcheck

## deps: what the integration tests run — redis-server and redis-sentinel (the Redis
## high-availability tests) from Debian when missing (as root), geth built from the go-ethereum module pinned in go.mod into .cache/bin.
## The tests fetch both themselves too; doing it here first keeps it out of their time.
## curl and jq (Debian, as root, when missing) run docs/walkthrough.sh, whose test
## (go test ./docs) fails without them when CI is set; chromium and fonts-noto-cjk
## (the same way) run the console's browser test, which fails without them under CI.
GETH_VERSION = $(shell $(GO) list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)
deps: $(BIN)/geth
	@missing=; for t in redis-server redis-sentinel; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
		[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } || \
		echo "missing:$$missing: the Redis tests will try to install redis-server (and run it as a Sentinel)"
	@missing=; for t in curl jq; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
		[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } || \
		echo "missing:$$missing: the walk-through test (go test ./docs) skips without them, and fails under CI"
	@missing=; command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
		dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
		[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; } || \
		echo "missing:$$missing: the console's browser test skips without chromium, and fails under CI"

$(BIN)/geth:
	GOBIN=$(BIN) GOFLAGS=-buildvcs=false $(GO) install github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION)

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
