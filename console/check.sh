#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails (exit 1) when the committed console in api/console/ differs from what build.sh
# makes from console/ and its pins. Fix with: make console
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$here/build.sh" "$tmp" 2>"$tmp/build.log" || { cat "$tmp/build.log" >&2; exit 1; }

drift=0
for f in index.html console.js console.css licenses.txt; do
	if ! cmp -s "$here/../api/console/$f" "$tmp/$f"; then
		echo "api/console/$f is out of date with console/: run make console" >&2
		diff -u "$here/../api/console/$f" "$tmp/$f" 2>&1 | head -c 2000 >&2 || true
		drift=1
	fi
done
[ "$drift" -eq 0 ] && echo "console: built files up to date" >&2
exit "$drift"
