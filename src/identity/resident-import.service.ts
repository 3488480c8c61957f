import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { Actor } from '../common/actor';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { TransactionService } from '../database/transaction.service';
import { RegionsService } from '../regions/regions.service';
import { USERNAME_RE } from './dto/identity.dto';

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
  username: string;
  displayName: string;
  householdNo: string;
  phone: string | null;
  birthDate: string | null;
}

const MAX_ROWS = 50_000;

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
  ) {}

  async import(
    actor: Actor,
    communityId: string,
    csv: unknown,
  ): Promise<{ imported: number; residents: Array<{ id: string; username: string; line: number }> }> {
    await this.regions.getCommunityInScope(actor, communityId);
    if (typeof csv !== 'string' || !csv.trim()) {
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: [], problems: ['send the register as text/csv with a header line'] },
        'empty or missing CSV body',
      );
    }
    let records: string[][];
    try {
      records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
    } catch (err) {
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: [], problems: [(err as Error).message] },
        'the file is not valid CSV',
      );
    }
    const [header, ...data] = records;
    const columns = this.mapHeader(header ?? []);
    if (data.length === 0)
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: [], problems: ['the file has no data rows'] },
        'no rows',
      );
    if (data.length > MAX_ROWS)
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: [], problems: [`at most ${MAX_ROWS} rows per file`] },
        'too many rows',
      );

    const errors: ImportRowError[] = [];
    const rows: ParsedRow[] = [];
    const seen = new Map<string, number>();
    data.forEach((rec, i) => {
      const line = i + 2;
      const get = (f: string) => (columns[f] === undefined ? '' : (rec[columns[f]] ?? '').trim());
      const problem = (field: string, p: string) => errors.push({ line, row: i + 1, field, problems: [p] });
      const displayName = get('displayName');
      const householdNo = get('householdNo');
      const phone = get('phone') || null;
      const birthDate = get('birthDate') || null;
      const username = (get('username') || phone || '').toLowerCase();
      if (rec.length !== header.length) problem('*', `expected ${header.length} cells, found ${rec.length}`);
      if (!displayName) problem('name', 'name is required');
      else if (displayName.length > 100) problem('name', 'name is longer than 100 characters');
      if (!householdNo) problem('householdNo', 'household number is required');
      else if (householdNo.length > 64)
        problem('householdNo', 'household number is longer than 64 characters');
      if (phone && !/^[0-9+\- ]{5,32}$/.test(phone)) problem('phone', 'phone must be digits');
      if (birthDate && !isValidDate(birthDate)) problem('birthDate', 'birth date must be YYYY-MM-DD');
      if (!username) problem('username', 'a username or a phone number is required');
      else if (!USERNAME_RE.test(username))
        problem('username', 'username must be 3-64 characters of letters, digits, _ . @ -');
      else if (seen.has(username))
        problem('username', `username ${username} repeats line ${seen.get(username)}`);
      else seen.set(username, line);
      rows.push({ id: newId(), username, displayName, householdNo, phone, birthDate });
    });
    if (!errors.length) {
      const taken = await this.existingUsernames(rows.map((r) => r.username));
      rows.forEach((r, i) => {
        if (taken.has(r.username))
          errors.push({
            line: i + 2,
            row: i + 1,
            field: 'username',
            problems: [`username ${r.username} is taken`],
          });
      });
    }
    if (errors.length) {
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: errors, badRows: new Set(errors.map((e) => e.row)).size, totalRows: data.length },
        `${errors.length} problem(s); nothing was imported`,
      );
    }
    await this.tx.run(async (em) => {
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await em.query(
          `INSERT INTO users (id, username, password_hash, display_name, roles, region_id, organization_id, household_no, birth_date, phone, active)
           VALUES ${chunk.map(() => '(?, ?, NULL, ?, ?, ?, NULL, ?, ?, ?, 1)').join(', ')}`,
          chunk.flatMap((r) => [
            r.id,
            r.username,
            r.displayName,
            'resident',
            communityId,
            r.householdNo,
            r.birthDate,
            r.phone,
          ]),
        );
      }
    });
    return {
      imported: rows.length,
      residents: rows.map((r, i) => ({ id: r.id, username: r.username, line: i + 2 })),
    };
  }

  private mapHeader(header: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    header.forEach((h, i) => {
      const key = h.replace(/[\s_-]/g, '').toLowerCase();
      for (const [field, names] of Object.entries(HEADERS)) if (names.includes(key)) out[field] = i;
    });
    const missing = ['displayName', 'householdNo'].filter((f) => out[f] === undefined);
    if (missing.length) {
      throw new DomainError(
        'IMPORT_INVALID',
        { rows: [], problems: missing.map((f) => `missing column ${HEADERS[f].join(' / ')}`) },
        `the header lacks ${missing.join(', ')}`,
      );
    }
    return out;
  }

  private async existingUsernames(names: string[]): Promise<Set<string>> {
    const taken = new Set<string>();
    for (let i = 0; i < names.length; i += 1000) {
      const rows: Array<{ username: string }> = await this.tx.run((em) =>
        em.query('SELECT username FROM users WHERE username IN (?)', [names.slice(i, i + 1000)]),
      );
      rows.forEach((r) => taken.add(r.username));
    }
    return taken;
  }
}

function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getTime() <= Date.now();
}
