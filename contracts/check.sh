#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails (exit 1) when the committed ABI, bytecode or Go bindings differ from what
# build.sh makes from the committed Solidity and pins. Fix with: contracts/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$here/build.sh" "$tmp" 2>"$tmp/build.log" || { cat "$tmp/build.log" >&2; exit 1; }

drift=0
for f in build/ScfxRegistry.abi build/ScfxRegistry.bin registry_bindings.go; do
	if ! diff -u "$here/$f" "$tmp/$f" >"$tmp/diff" 2>&1; then
		echo "contracts/$f is out of date with ScfxRegistry.sol and the pins: run contracts/build.sh" >&2
		head -n 20 "$tmp/diff" >&2
		drift=1
	fi
done
if [ "$drift" -eq 0 ]; then
	echo "contracts: generated files up to date" >&2
fi
exit "$drift"
