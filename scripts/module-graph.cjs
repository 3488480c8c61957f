#!/usr/bin/env node
// The module graph as the code states it: which Nest modules each module folder imports
// (`imports: [...]` of its `*.module.ts` files), which folders its files import, which classes are
// `@Global()`. `src/module-graph.spec.ts` checks the rules on it; this script prints the Mermaid
// block of docs/architecture.md (`node scripts/module-graph.cjs`) or rewrites it (`--write`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DOC = path.join(ROOT, 'docs', 'architecture.md');
const START = '<!-- module-graph:start -->';
const END = '<!-- module-graph:end -->';

/** Every `.ts` file under `dir`, as paths relative to `src/` with `/` separators. */
function sourceFiles(dir = SRC) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) out.push(path.relative(SRC, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** The top folder of a file relative to `src/` (`orders/orders.service.ts` → `orders`), or null. */
function folderOf(file) {
  const i = file.indexOf('/');
  return i < 0 ? null : file.slice(0, i);
}

/** Module specifiers of `import … from`, `export … from`, `import('…')` and `require('…')`. */
function specifiers(text) {
  const found = [];
  const patterns = [
    /\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

/** A relative specifier of `file` as a path relative to `src/` (no extension), or null. */
function resolve(file, spec) {
  if (!spec.startsWith('.')) return null;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  return joined.replace(/\.(js|ts)$/, '');
}

/** Each identifier imported by `text` with the specifier it comes from. */
function importedNames(text) {
  const names = new Map();
  for (const m of text.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.set(name.replace(/^type\s+/, ''), m[2]);
    }
  }
  return names;
}

/** The text of every `@Module({ … imports: [ … ] … })` imports array in `text`. */
function moduleImportLists(text) {
  const lists = [];
  for (const m of text.matchAll(/@Module\(\s*\{/g)) {
    const at = text.indexOf('imports:', m.index);
    const open = text.indexOf('[', at);
    if (at < 0 || open < 0) continue;
    // Only the decorator's own `imports` (its object closes before the next decorator).
    const next = text.indexOf('@Module(', m.index + 1);
    if (next >= 0 && at > next) continue;
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '[') depth++;
      else if (text[i] === ']' && --depth === 0) {
        lists.push(text.slice(open + 1, i));
        break;
      }
    }
  }
  return lists;
}

/**
 * The graph: `folders` (module folders: those with a `*.module.ts`), `edges` (folder → folders
 * whose Nest modules its modules import), `uses` (folder → folders its files import, with the
 * first importing file), `globals` (files declaring a `@Global()` class), `entityImports` (file →
 * paths under another folder's `entities/`).
 */
function analyse() {
  const files = sourceFiles();
  const folders = [...new Set(files.filter((f) => /^[^/]+\/[^/]+\.module\.ts$/.test(f)).map(folderOf))].sort();
  const edges = new Map(folders.map((f) => [f, new Set()]));
  const uses = new Map(folders.map((f) => [f, new Map()]));
  const globals = [];
  const entityImports = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    const own = folderOf(file);
    if (/^@Global\(\)/m.test(text)) globals.push(file);
    for (const spec of specifiers(text)) {
      const target = resolve(file, spec);
      if (!target) continue;
      const other = folderOf(target);
      if (!other || other === own) continue;
      if (target.split('/')[1] === 'entities') entityImports.push(`${file} -> ${target}`);
      if (own && uses.has(own) && folders.includes(other) && !uses.get(own).has(other)) {
        uses.get(own).set(other, file);
      }
    }
    if (!own || !/\.module\.ts$/.test(file)) continue;
    const names = importedNames(text);
    for (const list of moduleImportLists(text)) {
      for (const [name] of list.matchAll(/\b[A-Z]\w*Module\b/g)) {
        const spec = names.get(name);
        const target = spec && resolve(file, spec);
        const other = target && folderOf(target);
        if (other && other !== own) edges.get(own).add(other);
      }
    }
  }
  return { folders, edges, uses, globals: globals.sort(), entityImports: entityImports.sort() };
}

/** The Mermaid block (between the markers, markers included) for the graph. */
function mermaid(graph = analyse()) {
  const lines = [START, '```mermaid', 'flowchart LR'];
  const linked = new Set([...graph.edges.values()].flatMap((targets) => [...targets]));
  for (const folder of graph.folders) {
    const targets = [...graph.edges.get(folder)].sort();
    // A module no arrow touches is drawn alone.
    if (!targets.length && !linked.has(folder)) lines.push(`  ${folder}`);
    for (const target of targets) lines.push(`  ${folder} --> ${target}`);
  }
  lines.push('```', END);
  return lines.join('\n');
}

/** The block as docs/architecture.md has it now (markers included), or null. */
function documented(text = fs.readFileSync(DOC, 'utf8')) {
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  return from < 0 || to < from ? null : text.slice(from, to + END.length);
}

module.exports = { analyse, mermaid, documented, specifiers, moduleImportLists, DOC, START, END };

if (require.main === module) {
  const block = mermaid();
  if (process.argv.includes('--write')) {
    const text = fs.readFileSync(DOC, 'utf8');
    const old = documented(text);
    if (!old) throw new Error(`${DOC} has no ${START} … ${END} block`);
    fs.writeFileSync(DOC, text.replace(old, block));
  } else {
    process.stdout.write(`${block}\n`);
  }
}
