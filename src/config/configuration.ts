import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export const DEV_JWT_SECRET = 'jifen-dev-secret-change-me';
export const DEV_ADMIN_USERNAME = 'admin';
export const DEV_ADMIN_PASSWORD = 'admin12345';
export const DEV_KEY_SECRET = 'jifen-dev-key-encryption-secret';

const DURATION_RE = /^(\d+)\s*([smhd]?)$/;
const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `12h` → 43200; a bare number is seconds (jsonwebtoken would read a numeric *string* as milliseconds). */
export function durationSeconds(value: string): number {
  const m = DURATION_RE.exec(value.trim());
  if (!m) throw new ConfigError(`not a duration: ${value}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** The environment, as read and checked at start-up. Every value has a documented default except in production. */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Matches(/^(mysql|mariadb):\/\/[^/]+\/[A-Za-z0-9_]+(\?.*)?$/, {
    message: 'DATABASE_URL must look like mysql://user:password@host:3306/database (or mariadb://...)',
  })
  DATABASE_URL = 'mysql://root@127.0.0.1:3306/jifen';

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // Checked bottom-up and one problem per variable is reported: "abc" is "not an integer".
  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @Max(65535)
  @Min(0)
  @IsInt({ message: 'PORT must be an integer' })
  PORT = 3000;

  @IsIn(APP_ROLES, { message: `APP_ROLE must be one of ${APP_ROLES.join(', ')}` })
  APP_ROLE: AppRole = 'all';

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET?: string;

  /** Seconds, or a number with a unit: `900`, `90s`, `15m`, `12h`, `7d`. */
  @Matches(DURATION_RE, {
    message: 'JWT_EXPIRES_IN must be seconds or a number with s, m, h or d (e.g. 12h)',
  })
  JWT_EXPIRES_IN = '12h';

  @IsOptional()
  @IsString()
  @MinLength(3)
  ADMIN_USERNAME?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  ADMIN_PASSWORD?: string;

  /** Secret that encrypts the signing keys stored in the database. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'KEY_ENCRYPTION_SECRET must be at least 16 characters' })
  KEY_ENCRYPTION_SECRET?: string;

  @Matches(/^[A-Za-z0-9:{}_-]+$/, { message: 'QUEUE_PREFIX may hold letters, digits, : { } _ -' })
  QUEUE_PREFIX = 'jifen';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Matches(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, {
    message: 'BODY_LIMIT must be a size such as 1mb, 500kb or 65536',
  })
  BODY_LIMIT = '1mb';

  /** Failed logins allowed per username within LOGIN_WINDOW_SECONDS before 429. */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES = 5;

  @Transform(({ value }) => (value === undefined || value === '' ? 900 : Number(value)))
  @IsInt()
  @Min(1)
  LOGIN_WINDOW_SECONDS = 900;

  /** Requests per minute per authenticated user (per address for anonymous calls). */
  @Transform(({ value }) => (value === undefined || value === '' ? 600 : Number(value)))
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Connections in this process's MySQL pool. */
  @Transform(({ value }) => (value === undefined || value === '' ? 20 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_SIZE = 20;

  /** How often the outbox relay polls, in milliseconds. */
  @Transform(({ value }) => (value === undefined || value === '' ? 250 : Number(value)))
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 250;

  /** How often the worker expires due orders, in milliseconds. */
  @Transform(({ value }) => (value === undefined || value === '' ? 2000 : Number(value)))
  @IsInt()
  @Min(50)
  ORDER_SWEEP_MS = 2000;

  /**
   * Overrides every listing's `redeemWithinDays` with this many seconds (demos and tests of expiry);
   * unset in production.
   */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  ORDER_REDEEM_WINDOW_SECONDS?: number;

  /** A pending order older than this is handed to the fulfilment queue again. */
  @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @IsInt()
  @Min(1)
  ORDER_RECONCILE_AFTER_SECONDS = 60;

  /** How long a worker's job lock lasts and how often stalled jobs (a worker that died) are re-queued. */
  @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @IsInt()
  @Min(100)
  WORKER_LOCK_MS = 30_000;

  @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @IsInt()
  @Min(100)
  WORKER_STALLED_INTERVAL_MS = 30_000;

  /** How long a resident pass (GET /me/pass) stays valid, in seconds. */
  @Transform(({ value }) => (value === undefined || value === '' ? 300 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(86_400)
  PASS_TTL_SECONDS = 300;

  /**
   * Overrides every policy's `overdueAfterDays`: an unpaid deferred bill becomes overdue after this
   * many seconds (demos and tests); unset in production.
   */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt()
  @Min(1)
  ENTITLEMENT_OVERDUE_SECONDS?: number;

  /** How often the worker marks unpaid deferred bills overdue, in milliseconds. */
  @Transform(({ value }) => (value === undefined || value === '' ? 60_000 : Number(value)))
  @IsInt()
  @Min(50)
  ENTITLEMENT_SWEEP_MS = 60_000;

  /**
   * The CJK font for funding report charts and PDFs: a .ttf/.otf, or `file.ttc#PostScriptName` for
   * one face of a collection. Unset: the first of the Debian CJK fonts found (src/funding/report-font.ts).
   */
  @IsOptional()
  @IsString()
  REPORT_FONT_PATH?: string;

  /**
   * The built web app (`web/dist`) served at `/`. Unset: `web/dist` of this checkout when it was
   * built; no web app is served when there is none (the API works alone).
   */
  @IsOptional()
  @IsString()
  WEB_ROOT?: string;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  redisUrl: string;
  port: number;
  role: AppRole;
  jwtSecret: string;
  /** Token lifetime in seconds. */
  jwtExpiresIn: number;
  adminUsername: string;
  adminPassword: string;
  keyEncryptionSecret: string;
  queuePrefix: string;
  logLevel: string;
  bodyLimit: string;
  loginMaxFailures: number;
  loginWindowSeconds: number;
  rateLimitPerMinute: number;
  outboxPollMs: number;
  dbPoolSize: number;
  orderSweepMs: number;
  orderRedeemWindowSeconds: number | null;
  orderReconcileAfterSeconds: number;
  workerLockMs: number;
  workerStalledIntervalMs: number;
  passTtlSeconds: number;
  entitlementOverdueSeconds: number | null;
  entitlementSweepMs: number;
  reportFontPath: string | null;
  webRoot: string | null;
  warnings: string[];
}

export class ConfigError extends Error {}

/** Validates the raw environment and returns the typed configuration, or throws naming every bad variable. */
export function loadConfig(raw: Record<string, unknown> = process.env): AppConfig {
  const cleaned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== '' && v !== undefined) cleaned[k] = v;
  const env = plainToInstance(EnvironmentVariables, cleaned, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, stopAtFirstError: true });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  const prod = env.NODE_ENV === 'production';
  const warnings: string[] = [];
  const required = (name: keyof EnvironmentVariables, dev: string): string => {
    const v = env[name] as string | undefined;
    if (v) return v;
    if (prod) problems.push(`${name}: required when NODE_ENV=production`);
    else warnings.push(`${name} is not set; using the development default (never use it in production)`);
    return dev;
  };
  const jwtSecret = required('JWT_SECRET', DEV_JWT_SECRET);
  const adminUsername = env.ADMIN_USERNAME ?? (prod ? '' : DEV_ADMIN_USERNAME);
  if (!env.ADMIN_USERNAME && prod) problems.push('ADMIN_USERNAME: required when NODE_ENV=production');
  const adminPassword = required('ADMIN_PASSWORD', DEV_ADMIN_PASSWORD);
  const keyEncryptionSecret = required('KEY_ENCRYPTION_SECRET', DEV_KEY_SECRET);
  if (problems.length) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    port: env.PORT,
    role: env.APP_ROLE,
    jwtSecret,
    jwtExpiresIn: durationSeconds(env.JWT_EXPIRES_IN),
    adminUsername,
    adminPassword,
    keyEncryptionSecret,
    queuePrefix: env.QUEUE_PREFIX,
    logLevel: env.LOG_LEVEL,
    bodyLimit: env.BODY_LIMIT,
    loginMaxFailures: env.LOGIN_MAX_FAILURES,
    loginWindowSeconds: env.LOGIN_WINDOW_SECONDS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    outboxPollMs: env.OUTBOX_POLL_MS,
    dbPoolSize: env.DB_POOL_SIZE,
    orderSweepMs: env.ORDER_SWEEP_MS,
    orderRedeemWindowSeconds: env.ORDER_REDEEM_WINDOW_SECONDS ?? null,
    orderReconcileAfterSeconds: env.ORDER_RECONCILE_AFTER_SECONDS,
    workerLockMs: env.WORKER_LOCK_MS,
    workerStalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    passTtlSeconds: env.PASS_TTL_SECONDS,
    entitlementOverdueSeconds: env.ENTITLEMENT_OVERDUE_SECONDS ?? null,
    entitlementSweepMs: env.ENTITLEMENT_SWEEP_MS,
    reportFontPath: env.REPORT_FONT_PATH ?? null,
    webRoot: env.WEB_ROOT ?? null,
    warnings,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
