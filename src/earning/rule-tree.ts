import type { FieldProblem } from '../common/validation';
import type { RuleKind } from './entities/point-rule.entity';

export const MAX_RULE_POINTS = 100_000;
export const MAX_IMPORT_NODES = 2_000;
export const MAX_RULE_DEPTH = 8;

/** A rule as stored (the fields the tree needs). */
export interface RuleRow {
  id: string;
  parentId: string | null;
  kind: RuleKind;
  name: string;
  points: number | null;
  category: string | null;
  description: string | null;
  sortOrder: number;
  retiredAt: Date | null;
}

export interface RuleNode {
  id: string;
  parentId: string | null;
  kind: RuleKind;
  name: string;
  points: number | null;
  category: string | null;
  description: string | null;
  retired: boolean;
  children: RuleNode[];
}

/** Rows → a forest ordered by sortOrder then name; a row whose parent is absent becomes a root. */
export function buildRuleTree(rows: RuleRow[]): RuleNode[] {
  const sorted = [...rows].sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name));
  const nodes = new Map<string, RuleNode>();
  for (const r of sorted) {
    nodes.set(r.id, {
      id: r.id,
      parentId: r.parentId,
      kind: r.kind,
      name: r.name,
      points: r.kind === 'item' ? r.points : null,
      category: r.category,
      description: r.description,
      retired: !!r.retiredAt,
      children: [],
    });
  }
  const roots: RuleNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId ? nodes.get(n.parentId) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  return roots;
}

/** Ids of a node and everything below it, given parent links. */
export function subtreeIds(rootId: string, rows: Array<{ id: string; parentId: string | null }>): string[] {
  const children = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.parentId) continue;
    const list = children.get(r.parentId) ?? [];
    list.push(r.id);
    children.set(r.parentId, list);
  }
  const out: string[] = [];
  const stack = [rootId];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** One node of an imported rule book (JSON). */
export interface ImportNode {
  kind: RuleKind;
  name: string;
  points?: number;
  category?: string;
  description?: string;
  children?: ImportNode[];
}

/** Problems of a single rule's fields (shared by create, update and import). */
export function ruleFieldProblems(
  kind: unknown,
  f: { name?: unknown; points?: unknown; category?: unknown; description?: unknown },
  opts: { partial?: boolean } = {},
): Array<{ key: string; problem: string }> {
  const out: Array<{ key: string; problem: string }> = [];
  if (kind !== 'indicator' && kind !== 'item')
    out.push({ key: 'kind', problem: 'must be indicator or item' });
  if (!opts.partial || f.name !== undefined) {
    if (typeof f.name !== 'string' || !f.name.trim() || f.name.length > 200)
      out.push({ key: 'name', problem: 'must be a non-empty string of at most 200 characters' });
  }
  if (kind === 'item') {
    if (!opts.partial || f.points !== undefined) {
      if (
        typeof f.points !== 'number' ||
        !Number.isInteger(f.points) ||
        f.points === 0 ||
        Math.abs(f.points) > MAX_RULE_POINTS
      )
        out.push({
          key: 'points',
          problem: `an item needs points: a non-zero integer between -${MAX_RULE_POINTS} and ${MAX_RULE_POINTS}`,
        });
    }
  } else if (kind === 'indicator' && f.points !== undefined && f.points !== null) {
    out.push({ key: 'points', problem: 'an indicator has no points' });
  }
  if (
    f.category !== undefined &&
    f.category !== null &&
    (typeof f.category !== 'string' || f.category.length > 64)
  )
    out.push({ key: 'category', problem: 'must be a string of at most 64 characters' });
  if (
    f.description !== undefined &&
    f.description !== null &&
    (typeof f.description !== 'string' || f.description.length > 1000)
  )
    out.push({ key: 'description', problem: 'must be a string of at most 1000 characters' });
  return out;
}

const IMPORT_KEYS = new Set(['kind', 'name', 'points', 'category', 'description', 'children']);

/**
 * Checks a whole imported rule book before anything is written; every problem names its path
 * (`rules[0].children[2].points`). Empty when the book can be imported.
 */
export function importProblems(rules: unknown, field = 'rules'): FieldProblem[] {
  const out = new Map<string, string[]>();
  const add = (path: string, problem: string) => out.set(path, [...(out.get(path) ?? []), problem]);
  let count = 0;
  const walk = (list: unknown, path: string, depth: number) => {
    if (!Array.isArray(list)) return add(path, 'must be an array of rules');
    if (depth > MAX_RULE_DEPTH) return add(path, `the rule book is at most ${MAX_RULE_DEPTH} levels deep`);
    list.forEach((node, i) => {
      const at = `${path}[${i}]`;
      count++;
      if (node === null || typeof node !== 'object' || Array.isArray(node))
        return add(at, 'must be an object');
      const n = node as Record<string, unknown>;
      for (const k of Object.keys(n)) if (!IMPORT_KEYS.has(k)) add(`${at}.${k}`, 'is not a known field');
      for (const p of ruleFieldProblems(n.kind, n)) add(`${at}.${p.key}`, p.problem);
      if (n.children !== undefined) {
        if (n.kind === 'item' && Array.isArray(n.children) && n.children.length)
          add(`${at}.children`, 'an item has no children');
        else walk(n.children, `${at}.children`, depth + 1);
      }
    });
  };
  walk(rules, field, 1);
  if (Array.isArray(rules) && rules.length === 0) add(field, 'must hold at least one rule');
  if (count > MAX_IMPORT_NODES) add(field, `at most ${MAX_IMPORT_NODES} rules per import`);
  return [...out].map(([f, problems]) => ({ field: f, problems }));
}

/** A valid imported book flattened to rows (parents before children), with ids from `newId`. */
export function flattenImport(
  rules: ImportNode[],
  parentId: string | null,
  newId: () => string,
): Array<Omit<RuleRow, 'retiredAt'>> {
  const out: Array<Omit<RuleRow, 'retiredAt'>> = [];
  const walk = (list: ImportNode[], parent: string | null) => {
    list.forEach((n, i) => {
      const id = newId();
      out.push({
        id,
        parentId: parent,
        kind: n.kind,
        name: n.name.trim(),
        points: n.kind === 'item' ? n.points! : null,
        category: n.category ?? null,
        description: n.description ?? null,
        sortOrder: i,
      });
      if (n.kind === 'indicator' && n.children) walk(n.children, id);
    });
  };
  walk(rules, parentId);
  return out;
}
