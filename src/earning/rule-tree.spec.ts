import { buildRuleTree, flattenImport, ImportNode, importProblems, RuleRow, subtreeIds } from './rule-tree';

const row = (
  id: string,
  parentId: string | null,
  kind: 'indicator' | 'item',
  extra: Partial<RuleRow> = {},
): RuleRow => ({
  id,
  parentId,
  kind,
  name: id,
  points: kind === 'item' ? 1 : null,
  category: null,
  description: null,
  sortOrder: 0,
  retiredAt: null,
  ...extra,
});

describe('buildRuleTree', () => {
  it('nests any depth, orders siblings by sortOrder then name, and lifts orphans to the top', () => {
    const tree = buildRuleTree([
      row('c-item', 'b', 'item', { points: -3 }),
      row('b', 'a', 'indicator'),
      row('a', null, 'indicator', { sortOrder: 1 }),
      row('z', null, 'indicator', { sortOrder: 0 }),
      row('b2', 'a', 'item', { sortOrder: -1 }),
      row('orphan', 'gone', 'item'),
    ]);
    expect(tree.map((n) => n.id)).toEqual(['orphan', 'z', 'a']);
    const a = tree[2];
    expect(a.children.map((n) => n.id)).toEqual(['b2', 'b']);
    expect(a.children[1].children[0]).toMatchObject({ id: 'c-item', points: -3, children: [] });
  });

  it('marks retired rules', () => {
    const [n] = buildRuleTree([row('x', null, 'item', { retiredAt: new Date() })]);
    expect(n.retired).toBe(true);
  });
});

describe('subtreeIds', () => {
  it('collects a node and its descendants only', () => {
    const rows = [
      { id: 'a', parentId: null },
      { id: 'b', parentId: 'a' },
      { id: 'c', parentId: 'b' },
      { id: 'd', parentId: null },
    ];
    expect(subtreeIds('a', rows).sort()).toEqual(['a', 'b', 'c']);
    expect(subtreeIds('d', rows)).toEqual(['d']);
  });
});

describe('importProblems', () => {
  const good: ImportNode[] = [
    {
      kind: 'indicator',
      name: '基层治理',
      children: [
        { kind: 'item', name: '认领树木', points: 2 },
        { kind: 'indicator', name: '生态', children: [{ kind: 'item', name: '毁绿种菜', points: -3 }] },
      ],
    },
  ];

  it('accepts a valid book', () => {
    expect(importProblems(good)).toEqual([]);
  });

  it('names every problem by its path', () => {
    const problems = importProblems([
      { kind: 'indicator', name: '', points: 3 },
      { kind: 'item', name: '文明楼道', points: 0, colour: 'red' },
      { kind: 'item', name: '有子项', points: 1, children: [{ kind: 'item', name: 'x', points: 1 }] },
      { kind: 'branch', name: 'x' },
      'nope',
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      'rules[0].name',
      'rules[0].points',
      'rules[1].colour',
      'rules[1].points',
      'rules[2].children',
      'rules[3].kind',
      'rules[4]',
    ]);
  });

  it('refuses empty books, non-arrays and books that are too deep', () => {
    expect(importProblems([])).toEqual([{ field: 'rules', problems: ['must hold at least one rule'] }]);
    expect(importProblems({})[0].field).toBe('rules');
    let deep: ImportNode = { kind: 'item', name: 'leaf', points: 1 };
    for (let i = 0; i < 10; i++) deep = { kind: 'indicator', name: `l${i}`, children: [deep] };
    expect(importProblems([deep]).map((p) => p.problems[0])).toEqual([
      expect.stringContaining('levels deep'),
    ]);
  });
});

describe('flattenImport', () => {
  it('gives parents before children, with sibling order', () => {
    let n = 0;
    const rows = flattenImport(
      [
        {
          kind: 'indicator',
          name: ' 基层治理 ',
          children: [
            { kind: 'item', name: 'a', points: 2 },
            { kind: 'item', name: 'b', points: -1 },
          ],
        },
        { kind: 'item', name: 'c', points: 5, category: '文明新风' },
      ],
      null,
      () => `id${++n}`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        id: 'id1',
        parentId: null,
        kind: 'indicator',
        name: '基层治理',
        points: null,
        sortOrder: 0,
      }),
      expect.objectContaining({ id: 'id2', parentId: 'id1', points: 2, sortOrder: 0 }),
      expect.objectContaining({ id: 'id3', parentId: 'id1', points: -1, sortOrder: 1 }),
      expect.objectContaining({ id: 'id4', parentId: null, points: 5, category: '文明新风', sortOrder: 1 }),
    ]);
  });
});
