/**
 * A piece of SQL and its parameters, for a module that publishes a query another module composes
 * (a subquery naming the owner's tables, so the composing module's SQL names none of them).
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** `%`, `_` and `\` escaped for a LIKE pattern (`\` is MySQL's default escape). */
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A `LIKE` pattern matching `text` anywhere. */
export const likeContains = (text: string): string => `%${escapeLike(text)}%`;

/** A `LIKE` pattern matching what starts with `prefix` (a region path and everything below it). */
export const likePrefix = (prefix: string): string => `${escapeLike(prefix)}%`;

/**
 * A WHERE clause built from optional filters: the one copy of the "push a condition, push its
 * parameters" pattern of list queries.
 *   const w = new Where().and('r.organization_id IN (?)', ids).and(afterTimeId(cursor, 'r.created_at', 'r.id'));
 *   if (f.status) w.and('r.status = ?', f.status);
 *   tx.query(`SELECT ... FROM t r ${w.sql} ORDER BY ... LIMIT ?`, [...w.params, limit]);
 */
export class Where {
  private readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  /** ANDs a condition with its parameters, or a fragment (nothing for null: no cursor, say). */
  and(condition: string | SqlFragment | null, ...params: unknown[]): this {
    if (condition === null) return this;
    const f = typeof condition === 'string' ? { sql: condition, params } : condition;
    this.clauses.push(f.sql);
    this.params.push(...f.params);
    return this;
  }

  /** `WHERE a AND b`, or '' without conditions. */
  get sql(): string {
    return this.clauses.length ? `WHERE ${this.clauses.map((c) => `(${c})`).join(' AND ')}` : '';
  }
}
