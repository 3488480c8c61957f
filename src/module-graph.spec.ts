import { analyse, documented, mermaid, moduleImportLists, specifiers } from '../scripts/module-graph.cjs';

// The module graph stays explicit (issue 11): only the wiring is global, a module imports the
// Nest modules of the folders it uses, no file reaches into another module's entities/, and
// docs/architecture.md shows the graph as the modules' `imports` say. The graph is read from the
// sources by scripts/module-graph.cjs (`node scripts/module-graph.cjs --write` updates the doc).

/** The only `@Global()` classes: configuration, database, the job wiring and the logger. */
const ALLOWED_GLOBALS = [
  'common/logger.ts',
  'config/config.module.ts',
  'database/database.module.ts',
  'jobs/jobs.module.ts',
];

/** Folders any module may use without importing their Nest module (they are global or plain code). */
const SHARED = ['common', 'config', 'database', 'jobs'];

/**
 * Imports of another module's `entities/` that existed when this test was written, each to be
 * replaced by a read through the owning module (its exported queries or service). The list can only
 * shrink: an entry that no longer occurs fails the test too, so delete it with the import.
 */
const KNOWN_VIOLATIONS = [
  // the demo seed (src/scripts, not a module) builds its world from entity types
  'scripts/demo/context.ts -> identity/entities/user.entity',
  'scripts/demo/redemption.step.ts -> orders/entities/order.entity',
  'scripts/demo/world.ts -> regions/entities/organization.entity',
  'scripts/demo/world.ts -> regions/entities/region.entity',
];

describe('module graph', () => {
  const graph = analyse();

  it('reads imports the way the sources write them', () => {
    const text = [
      "import type { A } from '../a/a';",
      'import {',
      '  B,',
      '  C,',
      "} from '../b/b';",
      "export { D } from '../d/d';",
      "const e = await import('../e/e');",
      '@Module({',
      '  imports: [TypeOrmModule.forFeature([X]), JwtModule.registerAsync({ imports: [Y] }), FModule],',
      '  providers: [G],',
      '})',
    ].join('\n');
    expect(specifiers(text).sort()).toEqual(['../a/a', '../b/b', '../d/d', '../e/e']);
    expect(moduleImportLists(text)).toEqual([
      'TypeOrmModule.forFeature([X]), JwtModule.registerAsync({ imports: [Y] }), FModule',
    ]);
  });

  it('finds the modules and their imports', () => {
    expect(graph.folders).toEqual(expect.arrayContaining(['config', 'database', 'jobs', 'orders']));
    expect([...graph.edges.get('redemption')!]).toContain('orders');
  });

  it('keeps domain modules out of the global scope', () => {
    expect(graph.globals).toEqual(ALLOWED_GLOBALS);
  });

  it("imports no other module's entities/ beyond the known (shrinking) list", () => {
    const known = [...KNOWN_VIOLATIONS].sort();
    const added = graph.entityImports.filter((v) => !known.includes(v));
    const gone = known.filter((v) => !graph.entityImports.includes(v));
    expect({ added, gone }).toEqual({ added: [], gone: [] });
  });

  it('imports the Nest module of every module whose files it uses', () => {
    const missing: string[] = [];
    for (const folder of graph.folders) {
      for (const [other, file] of graph.uses.get(folder)!) {
        if (SHARED.includes(other) || graph.edges.get(folder)!.has(other)) continue;
        missing.push(`${folder} uses ${other} (${file}) without importing its module`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('is drawn in docs/architecture.md as the modules import each other', () => {
    const expected = mermaid(graph);
    const actual = documented();
    if (actual !== expected) {
      console.error(
        `docs/architecture.md's module graph is out of date; run \`node scripts/module-graph.cjs --write\` or paste:\n${expected}`,
      );
    }
    expect(actual).toBe(expected);
  });
});
