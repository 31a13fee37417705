#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Compiles ScfxRegistry.sol with the solc pinned in package.json, through
// --standard-json so that the EVM version and the optimizer are set here and not by
// the compiler's defaults, and writes build/ScfxRegistry.abi and build/ScfxRegistry.bin.
//
// Usage: node build.js [outdir]   (default: build/ next to this file)
// Run it through build.sh, which installs the pinned packages first.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const here = __dirname;
const contractName = 'ScfxRegistry';
const sourceName = contractName + '.sol';
const wantSolc = require('./package.json').dependencies.solc;

// The embedded chain runs Osaka rules (ledger/embedded.go) and solc 0.8.37 supports
// "osaka": compile for the same EVM version the chain runs.
const evmVersion = 'osaka';

function main() {
  const outDir = path.resolve(process.argv[2] || path.join(here, 'build'));

  // Refuse a compiler other than the pinned one: the committed bytecode must be
  // reproducible byte for byte.
  const version = solc.version();
  if (!version.startsWith(wantSolc + '+')) {
    fail(`solc ${version}, want ${wantSolc} (run npm ci in contracts/)`);
  }

  const input = {
    language: 'Solidity',
    sources: { [sourceName]: { content: fs.readFileSync(path.join(here, sourceName), 'utf8') } },
    settings: {
      evmVersion,
      // The IR pipeline: its optimizer gives register's loop a tighter body than the
      // legacy code generator does (contracts/README.md, "Gas").
      viaIR: true,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { [sourceName]: { [contractName]: ['abi', 'evm.bytecode.object'] } },
    },
  };

  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const problems = output.errors || [];
  for (const e of problems) {
    process.stderr.write(e.formattedMessage || e.message);
  }
  // Warnings fail the build too: they are cheap to fix and easy to miss later.
  if (problems.length > 0) {
    fail(`${problems.length} compiler diagnostic(s)`);
  }

  const contract = output.contracts[sourceName][contractName];
  const bin = contract.evm.bytecode.object;
  if (!/^[0-9a-f]+$/.test(bin)) {
    fail('bytecode is empty or has unlinked libraries');
  }

  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, contractName + '.abi'), JSON.stringify(contract.abi, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, contractName + '.bin'), bin + '\n');
  process.stderr.write(`solc ${version}, evmVersion ${evmVersion}: ${bin.length / 2} bytes of init code\n`);
}

// Resolves imports such as "@openzeppelin/contracts/access/AccessControl.sol" from
// node_modules only: no network, no paths outside this directory.
function findImport(importPath) {
  const normal = path.posix.normalize(importPath);
  if (normal.startsWith('..') || path.isAbsolute(normal)) {
    return { error: `import outside contracts/: ${importPath}` };
  }
  const file = path.join(here, 'node_modules', normal);
  try {
    return { contents: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    return { error: `${importPath}: ${err.message}` };
  }
}

function fail(msg) {
  process.stderr.write(`build.js: ${msg}\n`);
  process.exit(1);
}

main();
