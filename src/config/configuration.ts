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

/**
 * The development JWT secret that earlier versions used when JWT_SECRET was unset. It is public (it
 * was in the repository), so it is refused as JWT_SECRET; without JWT_SECRET outside production the
 * app generates a random secret and keeps it in the database (identity/jwt-secret.ts).
 */
export const PUBLISHED_JWT_SECRETS = ['jifen-dev-secret-change-me'];
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

  /**
   * Failed logins allowed per client address within LOGIN_WINDOW_SECONDS (password spraying over
   * many usernames). High by default: a community centre's shared terminal never meets it.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 300 : Number(value)))
  @IsInt()
  @Min(1)
  LOGIN_ADDRESS_MAX_FAILURES = 300;

  /** How long a device that logged in is remembered after its last login (its own failure count). */
  @Transform(({ value }) => (value === undefined || value === '' ? 180 : Number(value)))
  @IsInt()
  @Min(1)
  @Max(3650)
  LOGIN_DEVICE_DAYS = 180;

  /**
   * How long a process trusts what it read about a token's user (active, token version) before it
   * reads the user again. A change made in this process takes effect at once; in other processes
   * within this many seconds. 0 reads the user on every request.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 5 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CACHE_SECONDS = 5;

  /**
   * An award posted without an Idempotency-Key by the same staff member for the same resident, rule
   * and note within this many seconds answers the first award (a double click). 0 turns it off.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 10 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(3600)
  AWARD_DEDUP_SECONDS = 10;

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

  /** How long opening a MySQL connection may take before it fails. */
  @Transform(({ value }) => (value === undefined || value === '' ? 2000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(60_000)
  DB_CONNECT_TIMEOUT_MS = 2000;

  /**
   * How long a caller waits for a free connection of the pool before the server is checked: if it
   * answered nothing meanwhile (nor a ping within 1 s), the wait fails (503 DATABASE_UNAVAILABLE);
   * a busy server that answers is waited for.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 2000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(60_000)
  DB_ACQUIRE_TIMEOUT_MS = 2000;

  /**
   * How long an HTTP request waits for one SQL statement before the server is checked: if it
   * answered nothing meanwhile (nor a ping within 1 s), the statement fails (503 DATABASE_UNAVAILABLE).
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_QUERY_TIMEOUT_MS = 3000;

  /** The longest any SQL statement may take (jobs and report builds included), answered or not. */
  @Transform(({ value }) => (value === undefined || value === '' ? 120_000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DB_JOB_QUERY_TIMEOUT_MS = 120_000;

  /** How often the outbox relay polls, in milliseconds. */
  @Transform(({ value }) => (value === undefined || value === '' ? 100 : Number(value)))
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 100;

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

  /**
   * A pending order that no worker is fulfilling (its row is not locked) and that has waited this
   * long since it was placed or last tried is fulfilled by the reconciler (a dead worker, Redis down).
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 1500 : Number(value)))
  @IsInt()
  @Min(100)
  ORDER_RECONCILE_AFTER_MS = 1500;

  /** How long a worker's job lock lasts and how often stalled jobs (a worker that died) are re-queued. */
  @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @IsInt()
  @Min(100)
  WORKER_LOCK_MS = 30_000;

  @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @IsInt()
  @Min(100)
  WORKER_STALLED_INTERVAL_MS = 30_000;

  /**
   * After SIGTERM: how long requests in flight and running jobs get to finish; then the remaining
   * HTTP connections are closed (jobs cut off are retried: the database decides what is due).
   */
  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_DRAIN_MS = 3000;

  /** After SIGTERM the process exits by this deadline whatever is still closing (exit code 1). */
  @Transform(({ value }) => (value === undefined || value === '' ? 10_000 : Number(value)))
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

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
  /**
   * The HS256 secret of access tokens; null when JWT_SECRET is unset outside production: then a
   * random secret is generated on first start and kept in the database (identity/jwt-secret.ts).
   */
  jwtSecret: string | null;
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
  loginAddressMaxFailures: number;
  loginDeviceDays: number;
  authCacheSeconds: number;
  awardDedupSeconds: number;
  rateLimitPerMinute: number;
  outboxPollMs: number;
  dbPoolSize: number;
  dbConnectTimeoutMs: number;
  dbAcquireTimeoutMs: number;
  dbQueryTimeoutMs: number;
  dbJobQueryTimeoutMs: number;
  orderSweepMs: number;
  orderRedeemWindowSeconds: number | null;
  orderReconcileAfterMs: number;
  workerLockMs: number;
  workerStalledIntervalMs: number;
  shutdownDrainMs: number;
  shutdownTimeoutMs: number;
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
  const jwtSecret = env.JWT_SECRET ?? null;
  if (jwtSecret && PUBLISHED_JWT_SECRETS.includes(jwtSecret))
    problems.push('JWT_SECRET: this value was published in the repository; choose a secret of your own');
  if (!jwtSecret) {
    if (prod) problems.push('JWT_SECRET: required when NODE_ENV=production');
    else
      warnings.push(
        'JWT_SECRET is not set; using a random secret generated on first start and kept, encrypted, in the database (never do this in production)',
      );
  }
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
    loginAddressMaxFailures: env.LOGIN_ADDRESS_MAX_FAILURES,
    loginDeviceDays: env.LOGIN_DEVICE_DAYS,
    authCacheSeconds: env.AUTH_CACHE_SECONDS,
    awardDedupSeconds: env.AWARD_DEDUP_SECONDS,
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    outboxPollMs: env.OUTBOX_POLL_MS,
    dbPoolSize: env.DB_POOL_SIZE,
    dbConnectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    dbAcquireTimeoutMs: env.DB_ACQUIRE_TIMEOUT_MS,
    dbQueryTimeoutMs: env.DB_QUERY_TIMEOUT_MS,
    dbJobQueryTimeoutMs: env.DB_JOB_QUERY_TIMEOUT_MS,
    orderSweepMs: env.ORDER_SWEEP_MS,
    orderRedeemWindowSeconds: env.ORDER_REDEEM_WINDOW_SECONDS ?? null,
    orderReconcileAfterMs: env.ORDER_RECONCILE_AFTER_MS,
    workerLockMs: env.WORKER_LOCK_MS,
    workerStalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    passTtlSeconds: env.PASS_TTL_SECONDS,
    entitlementOverdueSeconds: env.ENTITLEMENT_OVERDUE_SECONDS ?? null,
    entitlementSweepMs: env.ENTITLEMENT_SWEEP_MS,
    reportFontPath: env.REPORT_FONT_PATH ?? null,
    webRoot: env.WEB_ROOT ?? null,
    warnings,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
