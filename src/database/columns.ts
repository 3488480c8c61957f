import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn, ValueTransformer } from 'typeorm';

/** DATETIME(3) in UTC, on MySQL 8 and MariaDB alike. */
export const CreatedAt = (name = 'created_at') =>
  CreateDateColumn({ name, type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' });

export const UpdatedAt = (name = 'updated_at') =>
  UpdateDateColumn({
    name,
    type: 'datetime',
    precision: 3,
    default: () => 'CURRENT_TIMESTAMP(3)',
    onUpdate: 'CURRENT_TIMESTAMP(3)',
  });

export const DateTime3 = (name: string, opts: Partial<ColumnOptions> = {}) =>
  Column({ name, type: 'datetime', precision: 3, ...opts } as ColumnOptions);

/** CHAR(36) UUIDs: MySQL 8 has no native UUID type. */
export const IdColumn = (name: string, opts: Partial<ColumnOptions> = {}) =>
  Column({ name, type: 'char', length: 36, ...opts } as ColumnOptions);

/** BIGINT read back as a JS number (amounts stay far below 2^53). */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? v : Number(v)),
};

/** JSON kept as LONGTEXT: portable between MySQL 8 and MariaDB and free of TypeORM's JSON diffing. */
export const jsonText: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? v : JSON.parse(v)),
};
