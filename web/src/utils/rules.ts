import type { RuleNode } from '@/api/types';

export interface RuleOption {
  text: string;
  value: string;
  points?: number;
  children?: RuleOption[];
}

/**
 * The rule book as cascader/tree options, keeping only items that pass `keep` (and the indicators
 * that lead to one): residents declare good deeds (positive items), staff award or deduct any item.
 */
export function ruleOptions(nodes: RuleNode[], keep: (item: RuleNode) => boolean, label: (n: RuleNode) => string): RuleOption[] {
  const out: RuleOption[] = [];
  for (const n of nodes) {
    if (n.retired) continue;
    if (n.kind === 'item') {
      if (keep(n)) out.push({ text: label(n), value: n.id, points: n.points ?? 0 });
    } else {
      const children = ruleOptions(n.children ?? [], keep, label);
      if (children.length) out.push({ text: n.name, value: n.id, children });
    }
  }
  return out;
}

export function findRule(nodes: RuleNode[], id: string): RuleNode | null {
  for (const n of nodes) {
    if (n.id === id) return n;
    const hit = findRule(n.children ?? [], id);
    if (hit) return hit;
  }
  return null;
}

export function countItems(nodes: RuleNode[]): number {
  return nodes.reduce((s, n) => s + (n.kind === 'item' ? 1 : countItems(n.children ?? [])), 0);
}
