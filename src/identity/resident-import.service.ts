import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { refuse } from '../common/errors';
import { newId } from '../common/ids';
import { isPastCalendarDate } from '../common/validation';
import { isDuplicateKey, TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { USERNAME_RE } from './dto/identity.dto';
import { UsersRepository } from './users.repository';

/** Header names accepted for each field (English or the register's Chinese). */
const HEADERS: Record<string, string[]> = {
  displayName: ['name', 'displayname', '姓名'],
  householdNo: ['householdno', 'household', '户号', '户籍编号'],
  username: ['username', '用户名', '账号'],
  phone: ['phone', 'mobile', '手机号', '联系电话', '电话'],
  birthDate: ['birthdate', 'birthday', '出生日期'],
};

export interface ImportRowError {
  line: number;
  row: number;
  field?: string;
  problems: string[];
}

interface ParsedRow {
  id: string;
  /** Line of the file where the row starts (1 = the header). */
  line: number;
  /** Data row number (1 = the first row after the header). */
  row: number;
  username: string;
  displayName: string;
  householdNo: string;
  phone: string | null;
  birthDate: string | null;
}

const MAX_ROWS = 50_000;

/** Line breaks inside a record's quoted cells (to report the line where the record starts). */
const breaksIn = (cells: string[]) => cells.reduce((n, c) => n + (c.match(/\r\n|\n|\r/g)?.length ?? 0), 0);

/**
 * Imports a household register (CSV, UTF-8, optional BOM) into a community: every row or none.
 * Residents are created without a password; staff set one (POST /users/:id/password) when a
 * resident first asks to use the app.
 */
@Injectable()
export class ResidentImportService {
  constructor(
    private readonly regions: RegionsService,
    private readonly tx: TransactionService,
    private readonly usersRepo: UsersRepository,
  ) {}

  async import(
    actor: Actor,
    communityId: string,
    csv: unknown,
  ): Promise<{ imported: number; residents: Array<{ id: string; username: string; line: number }> }> {
    await this.regions.getCommunityInScope(actor, communityId);
    const [headerRecord, ...data] = this.records(csv);
    const header = headerRecord?.cells ?? [];
    const columns = this.mapHeader(header, headerRecord?.line ?? 1);
    if (data.length === 0)
      throw refuse('IMPORT_INVALID', { rows: [], problems: ['the file has no data rows'] }, 'no rows');
    if (data.length > MAX_ROWS)
      throw refuse(
        'IMPORT_INVALID',
        { rows: [], problems: [`at most ${MAX_ROWS} rows per file`] },
        'too many rows',
      );

    const { rows, errors } = this.parseRows(data, header, columns);
    if (!errors.length) errors.push(...(await this.takenErrors(rows)));
    if (errors.length) throw this.rowErrors(errors, data.length);
    try {
      await this.tx.run((em) => this.usersRepo.insertResidents(em, communityId, rows));
    } catch (err) {
      // Someone took one of the usernames after the check (a concurrent import or POST /users).
      if (!isDuplicateKey(err)) throw err;
      const taken = await this.takenErrors(rows);
      throw this.rowErrors(
        taken.length ? taken : [{ line: 0, row: 0, field: 'username', problems: [(err as Error).message] }],
        data.length,
      );
    }
    return {
      imported: rows.length,
      residents: rows.map((r) => ({ id: r.id, username: r.username, line: r.line })),
    };
  }

  /** The records of a CSV register with the line each starts on; a body that is not one is refused. */
  private records(csv: unknown): Array<{ cells: string[]; line: number }> {
    if (typeof csv !== 'string') {
      // A JSON or form body (or none): the register must come as CSV text.
      throw refuse(
        'UNSUPPORTED_MEDIA_TYPE',
        { expected: 'text/csv; charset=utf-8' },
        'send the register as text/csv (UTF-8) with a header line',
      );
    }
    if (!csv.trim())
      throw refuse('IMPORT_INVALID', { rows: [], problems: ['the file is empty'] }, 'empty CSV body');
    const bad = csv.indexOf('\uFFFD');
    if (bad >= 0) {
      // Bytes that are not UTF-8 (a register saved as GBK): refuse rather than store garbled names.
      const line = csv.slice(0, bad).split(/\r\n|\n|\r/).length;
      throw refuse(
        'IMPORT_INVALID',
        {
          rows: [{ line, row: line - 1, problems: ['not UTF-8 text'] }],
          problems: ['save the file as CSV UTF-8'],
        },
        `line ${line} is not UTF-8 text; save the register as CSV UTF-8`,
      );
    }
    try {
      return (
        parse(csv, {
          bom: true,
          skip_empty_lines: true,
          skip_records_with_empty_values: true,
          relax_column_count: true,
          trim: true,
          info: true,
        }) as unknown as Array<{ record: string[]; info: { lines: number } }>
      ).map((r) => ({ cells: r.record, line: r.info.lines - breaksIn(r.record) }));
    } catch (err) {
      const line = (err as { lines?: number }).lines;
      throw refuse(
        'IMPORT_INVALID',
        {
          rows: line ? [{ line, row: line - 1, problems: [(err as Error).message] }] : [],
          problems: [(err as Error).message],
        },
        'the file is not valid CSV',
      );
    }
  }

  /** The data records as rows to insert, and every problem of every row. */
  private parseRows(
    data: Array<{ cells: string[]; line: number }>,
    header: string[],
    columns: Record<string, number>,
  ): { rows: ParsedRow[]; errors: ImportRowError[] } {
    const errors: ImportRowError[] = [];
    const rows: ParsedRow[] = [];
    const seen = new Map<string, number>();
    data.forEach(({ cells: rec, line }, i) => {
      const get = (f: string) => (columns[f] === undefined ? '' : (rec[columns[f]] ?? '').trim());
      const problem = (field: string, p: string) => errors.push({ line, row: i + 1, field, problems: [p] });
      const displayName = get('displayName');
      const householdNo = get('householdNo');
      const phone = get('phone') || null;
      const birthDate = get('birthDate') || null;
      const username = (get('username') || phone || '').toLowerCase();
      if (rec.length !== header.length) problem('*', `expected ${header.length} cells, found ${rec.length}`);
      if (!displayName) problem('name', 'name is required');
      else if ([...displayName].length > 100) problem('name', 'name is longer than 100 characters');
      if (!householdNo) problem('householdNo', 'household number is required');
      else if (householdNo.length > 64)
        problem('householdNo', 'household number is longer than 64 characters');
      if (phone && !/^[0-9+\- ]{5,32}$/.test(phone)) problem('phone', 'phone must be digits');
      if (birthDate && !isPastCalendarDate(birthDate)) problem('birthDate', 'birth date must be YYYY-MM-DD');
      if (!username) problem('username', 'a username or a phone number is required');
      else if (!USERNAME_RE.test(username))
        problem('username', 'username must be 3-64 characters of letters, digits, _ . @ -');
      else if (seen.has(username))
        problem('username', `username ${username} repeats line ${seen.get(username)}`);
      else seen.set(username, line);
      rows.push({ id: newId(), line, row: i + 1, username, displayName, householdNo, phone, birthDate });
    });
    return { rows, errors };
  }

  private rowErrors(errors: ImportRowError[], totalRows: number): DomainError {
    return refuse(
      'IMPORT_INVALID',
      { rows: errors, badRows: new Set(errors.map((e) => e.row)).size, totalRows },
      `${errors.length} problem(s), first on line ${errors[0].line}; nothing was imported`,
    );
  }

  private async takenErrors(rows: ParsedRow[]): Promise<ImportRowError[]> {
    const taken = await this.existingUsernames(rows.map((r) => r.username));
    return rows
      .filter((r) => taken.has(r.username))
      .map((r) => ({
        line: r.line,
        row: r.row,
        field: 'username',
        problems: [`username ${r.username} is taken`],
      }));
  }

  private mapHeader(header: string[], line: number): Record<string, number> {
    const out: Record<string, number> = {};
    header.forEach((h, i) => {
      const key = h.replace(/[\s_-]/g, '').toLowerCase();
      for (const [field, names] of Object.entries(HEADERS)) if (names.includes(key)) out[field] = i;
    });
    const missing = ['displayName', 'householdNo'].filter((f) => out[f] === undefined);
    if (missing.length) {
      throw refuse(
        'IMPORT_INVALID',
        {
          rows: [
            {
              line,
              row: 0,
              field: missing[0] === 'displayName' ? 'name' : missing[0],
              problems: missing.map((f) => `missing column ${HEADERS[f].join(' / ')}`),
            },
          ],
          problems: missing.map((f) => `missing column ${HEADERS[f].join(' / ')}`),
        },
        `the header lacks ${missing.join(', ')}`,
      );
    }
    return out;
  }

  private async existingUsernames(names: string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    for (let i = 0; i < names.length; i += 1000) {
      const found = await this.tx.run((em) => this.usersRepo.takenUsernames(em, names.slice(i, i + 1000)));
      found.forEach((u) => taken.add(u.toLowerCase()));
    }
    return taken;
  }
}
