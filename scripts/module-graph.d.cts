// Types of module-graph.cjs, for src/module-graph.spec.ts.
export interface ModuleGraph {
  /** Module folders: the folders of `src/` that hold a `*.module.ts`. */
  folders: string[];
  /** Folder → folders whose Nest modules its `*.module.ts` files list in `imports: [...]`. */
  edges: Map<string, Set<string>>;
  /** Folder → module folders its files import, each with the first file that does. */
  uses: Map<string, Map<string, string>>;
  /** Files (relative to `src/`) declaring a `@Global()` class. */
  globals: string[];
  /** `file -> path` for every import of another folder's `entities/`. */
  entityImports: string[];
}
export function analyse(): ModuleGraph;
export function mermaid(graph?: ModuleGraph): string;
export function documented(text?: string): string | null;
/** Module specifiers a source text imports (static, re-exports, dynamic, require). */
export function specifiers(text: string): string[];
/** The text inside each `@Module({ imports: [ ... ] })` of a source text. */
export function moduleImportLists(text: string): string[];
export const DOC: string;
export const START: string;
export const END: string;
