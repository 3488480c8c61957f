import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS } from './domain-error';

/** docs/api.md's table of error codes says what `ERROR_STATUS` says: each code once, under its status. */
describe('the error codes in docs/api.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| status | codes |'));
  const rows = table
    .slice(0, table.indexOf('\n\n'))
    .split('\n')
    .slice(2)
    .map((line) => {
      const [, status, codes] = line.split('|').map((c) => c.trim());
      return { status: Number(status), codes: [...codes.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]) };
    });

  it('has one row per status', () => {
    const statuses = rows.map((r) => r.status);
    expect(statuses).toEqual([...new Set(statuses)]);
  });

  it('lists every code under its status, and no other', () => {
    const documented = Object.fromEntries(rows.flatMap((r) => r.codes.map((c) => [c, r.status])));
    expect(documented).toEqual(ERROR_STATUS);
  });
});
