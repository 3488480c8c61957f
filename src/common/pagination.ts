import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { refuse } from './errors';
import { UUID_RE } from './ids';
import { IsOptional } from './validation';

export class PageQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque cursor from a previous page', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursors: the sort key and id of the last row, base64url-encoded. */
export function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/**
 * What a cursor's parts are: a row's time (as `toISOString()` wrote it), its id (a UUID), an integer.
 * A decoded cursor is checked part by part, so a forged one is a 400, never a query with garbage in it.
 */
export type CursorPart = 'time' | 'id' | 'int';
/** `[createdAt, id]`: the cursor of every list ordered by time. */
export const TIME_ID: readonly CursorPart[] = ['time', 'id'];

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function validPart(part: unknown, kind: CursorPart | undefined): boolean {
  const time = typeof part === 'string' && ISO_TIME.test(part) && !Number.isNaN(Date.parse(part));
  const id = typeof part === 'string' && UUID_RE.test(part);
  const int = typeof part === 'number' && Number.isSafeInteger(part);
  if (kind === 'time') return time;
  if (kind === 'id') return id;
  if (kind === 'int') return int;
  return time || id || int;
}

/** The parts of a cursor of this shape (or arity), or null without one; anything else is a 400. */
export function decodeCursor(
  cursor: string | undefined,
  shape: number | readonly CursorPart[],
): Array<string | number> | null {
  if (!cursor) return null;
  const kinds = typeof shape === 'number' ? undefined : shape;
  const arity = kinds?.length ?? (shape as number);
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p, i) => validPart(p, kinds?.[i])))
      return parts as Array<string | number>;
  } catch {
    /* fall through */
  }
  throw refuse(
    'VALIDATION_FAILED',
    { fields: [{ field: 'cursor', problems: ['cursor is not valid'] }] },
    'cursor: not valid',
  );
}

/** Given `limit + 1` rows, returns a page and the cursor of its last row. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (row: T) => Array<string | number>): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}

export const pageLimit = (q: PageQuery): number => q.limit ?? 20;

/**
 * The keyset clause of a list ordered by `(time DESC, id DESC)` after a `TIME_ID` cursor: `{ sql,
 * params }` to AND into the WHERE clause, or null on the first page. The one copy of the clause.
 *   const after = afterTimeId(cursor, 't.created_at', 't.id');
 *   new Where().and(after)  // Where (common/sql.ts) skips a null
 */
export function afterTimeId(
  cursor: Array<string | number> | null,
  timeColumn: string,
  idColumn: string,
): { sql: string; params: unknown[] } | null {
  if (!cursor) return null;
  const at = new Date(String(cursor[0]));
  return {
    sql: `(${timeColumn} < ? OR (${timeColumn} = ? AND ${idColumn} < ?))`,
    params: [at, at, cursor[1]],
  };
}
