#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Rebuilds everything generated in contracts/ from ScfxRegistry.sol:
#   build/ScfxRegistry.abi, build/ScfxRegistry.bin  (node build.js, solc pinned in package.json)
#   registry_bindings.go                            (abigen --v2, go-ethereum version pinned in go.mod)
# The npm packages come from package-lock.json (npm ci), so the same source gives the
# same bytes on every machine; check.sh relies on that.
#
# Usage: contracts/build.sh [OUTDIR]   OUTDIR defaults to contracts/ itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "${1:-$here}" && cd "${1:-$here}" && pwd)"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >&2
node build.js "$out/build"

# abigen runs as pkg@version, at the go-ethereum version of go.mod, so that its own
# command-line dependencies resolve from go-ethereum's go.sum instead of needing
# entries in ours. GOFLAGS is cleared because -mod and -modfile do not apply to it.
geth="$(cd "$here/.." && go list -m -f '{{.Version}}' github.com/ethereum/go-ethereum)"
GOFLAGS= go run "github.com/ethereum/go-ethereum/cmd/abigen@$geth" --v2 \
	--abi "$out/build/ScfxRegistry.abi" --bin "$out/build/ScfxRegistry.bin" \
	--pkg contracts --type ScfxRegistry --out "$out/registry_bindings.go"
# The bindings carry the project's licence like every other Go file (abigen writes none).
{ printf '// SPDX-License-Identifier: Apache-2.0\n\n'; cat "$out/registry_bindings.go"; } >"$out/registry_bindings.go.tmp"
mv "$out/registry_bindings.go.tmp" "$out/registry_bindings.go"
# abigen's error strings are capitalised; the file is generated, so say so to staticcheck.
printf '\n//lint:file-ignore ST1005 abigen writes these error strings\n' >> "$out/registry_bindings.go"
chmod 644 "$out/registry_bindings.go" # abigen writes 0600
echo "contracts: generated $out/build/ScfxRegistry.{abi,bin} and $out/registry_bindings.go (abigen $geth)" >&2
