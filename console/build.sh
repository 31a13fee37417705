#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the web console into the files the server embeds (api/console/):
#   index.html    copied from console/index.html
#   console.js    src/*.ts and ethers, bundled and minified by esbuild (pinned)
#   console.css   src/style.css, minified by esbuild
#   licenses.txt  the licence of every npm package the bundle may hold
# The packages come from package-lock.json (npm ci), so the same sources give the same
# bytes on every machine; check.sh relies on that.
#
# Usage: console/build.sh [OUTDIR]   OUTDIR defaults to api/console.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "${1:-$here/../api/console}" && cd "${1:-$here/../api/console}" && pwd)"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >&2
./node_modules/.bin/tsc --noEmit -p .
./node_modules/.bin/esbuild src/main.ts --bundle --minify --format=iife --platform=browser \
	--target=es2020,chrome100,firefox100,safari15 --legal-comments=none --charset=utf8 \
	--banner:js="/* scfx console (Apache-2.0). Bundles npm packages under their own licences: see licenses.txt beside this file, built by console/build.sh. */" \
	--outfile="$out/console.js" --log-level=warning
./node_modules/.bin/esbuild src/style.css --minify --charset=utf8 --outfile="$out/console.css" --log-level=warning
cp index.html "$out/index.html"

# The licence texts of the runtime packages (not esbuild or typescript, which only build).
{
	echo "Third-party packages bundled into console.js, with their licences (from console/package-lock.json)."
	node -e '
		const lock = require("./package-lock.json");
		const fs = require("fs");
		for (const [path, p] of Object.entries(lock.packages).sort()) {
			if (path === "" || p.dev) continue;
			const dir = path;
			const lic = fs.readdirSync(dir).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
			process.stdout.write("\n==== " + path.replace(/^.*node_modules\//, "") + "@" + p.version + " (" + p.license + ") ====\n");
			process.stdout.write(lic ? fs.readFileSync(dir + "/" + lic, "utf8") : "(no licence file in the package; its package.json declares " + p.license + ")\n");
		}
	'
} >"$out/licenses.txt"
echo "console: built $out/{index.html,console.js,console.css,licenses.txt}" >&2
