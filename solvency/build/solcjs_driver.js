#!/usr/bin/env node
// Solvency's solc-js driver: answers like a native solc for the two modes Solvency and
// crytic-compile use, `--version` and `--standard-json` (input on stdin, output on stdout).
//
//   node solcjs_driver.js SOLJSON WRAPPER_DIR --version
//   node solcjs_driver.js SOLJSON WRAPPER_DIR --standard-json [--base-path DIR] [--allow-paths A,B]
//
// SOLJSON is the soljson.js of the release to run; WRAPPER_DIR holds a current `solc` npm
// package whose wrapper can drive older releases through standard JSON.
'use strict';
const fs = require('fs');
const path = require('path');

const [soljsonPath, wrapperDir, ...args] = process.argv.slice(2);
const wrapper = require(path.join(wrapperDir, 'node_modules', 'solc', 'wrapper.js'));
const solc = wrapper(require(soljsonPath));

function option(name) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
}

if (args.includes('--version')) {
  // Same shape as native solc, which crytic-compile parses.
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
  process.exitCode = 0;
} else if (args.includes('--standard-json')) {
  const basePath = path.resolve(option('--base-path') || process.cwd());
  const allowed = [basePath].concat((option('--allow-paths') || '').split(',').filter(Boolean).map((p) => path.resolve(p)));
  const readImport = (name) => {
    const candidate = path.resolve(basePath, name);
    if (!allowed.some((root) => candidate === root || candidate.startsWith(root + path.sep))) {
      return { error: 'File outside of allowed directories: ' + name };
    }
    try {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    } catch (e) {
      return { error: 'File not found: ' + name };
    }
  };
  const input = fs.readFileSync(0, 'utf8');
  const output = solc.compile(input, { import: readImport });
  // Node may cut a piped stdout if the process exits right after writing: set exitCode only.
  process.stdout.write(output);
  process.exitCode = 0;
} else {
  process.stderr.write('usage: solcjs_driver.js SOLJSON WRAPPER_DIR (--version | --standard-json)\n');
  process.exitCode = 2;
}
