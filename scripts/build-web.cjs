#!/usr/bin/env node
// Builds the web app (web/ → web/dist) and stamps the build with a hash of its sources, so that a
// later run (the browser tests' global setup) knows whether web/dist is current.
//
//   node scripts/build-web.cjs              type-check and build (what `npm run build` runs)
//   node scripts/build-web.cjs --if-stale   build only when the sources changed since the last build
'use strict';
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const STAMP = path.join(DIST, '.source-hash');
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

function files(p) {
  if (!fs.existsSync(p)) return [];
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs
    .readdirSync(p)
    .sort()
    .flatMap((n) => files(path.join(p, n)));
}

/** A hash of everything the build reads from web/ and of the lock file (dependency versions). */
function sourceHash() {
  const h = createHash('sha256');
  for (const f of [
    ...INPUTS.flatMap((i) => files(path.join(WEB, i))),
    path.join(ROOT, 'package-lock.json'),
  ]) {
    h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

function isFresh() {
  return (
    fs.existsSync(path.join(DIST, 'index.html')) &&
    fs.existsSync(STAMP) &&
    fs.readFileSync(STAMP, 'utf8').trim() === sourceHash()
  );
}

/** Builds web/dist unless it is current (`ifStale`); returns whether it built. */
function buildWeb({ ifStale = false, typecheck = true, log = console.log } = {}) {
  if (ifStale && isFresh()) return false;
  const hash = sourceHash();
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const started = Date.now();
  if (typecheck)
    execFileSync(npx, ['vue-tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: WEB, stdio: 'inherit' });
  execFileSync(npx, ['vite', 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'inherit' });
  fs.writeFileSync(STAMP, `${hash}\n`);
  log(`web app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

module.exports = { buildWeb, isFresh, sourceHash, DIST };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  if (!buildWeb({ ifStale }) && ifStale) console.log('web app is up to date (web/dist)');
}
