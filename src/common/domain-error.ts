/**
 * Expected outcomes, each with a stable code that clients branch on. The HTTP status of every code
 * lives here and nowhere else.
 */
export const ERROR_STATUS = {
  // 400
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  JSON_TOO_DEEP: 400,
  INVALID_CODE: 400,
  BAD_REQUEST: 400,
  // 401
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  // 403
  FORBIDDEN: 403,
  SELF_REVIEW_FORBIDDEN: 403,
  /** Staff acting on their own account: own pass, own voucher, an award to themselves, own declaration. */
  SELF_SERVICE_FORBIDDEN: 403,
  NOT_ELIGIBLE: 403,
  WRONG_ORGANIZATION: 403,
  /** A volunteer confirming their own mutual-aid work. */
  SELF_CONFIRM_FORBIDDEN: 403,
  // 404
  NOT_FOUND: 404,
  LISTING_NOT_FOUND: 404,
  // 409
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  ALREADY_REVIEWED: 409,
  /** An appeal decided already (a second decide, or one that lost a race). */
  ALREADY_DECIDED: 409,
  ALREADY_RESOLVED: 409,
  ALREADY_REDEEMED: 409,
  INSUFFICIENT_POINTS: 409,
  INSUFFICIENT_FUNDS: 409,
  OUT_OF_STOCK: 409,
  LIMIT_REACHED: 409,
  QUOTA_EXHAUSTED: 409,
  VOUCHER_NOT_READY: 409,
  INVALID_STATE: 409,
  TRANSFER_EXISTS_WITH_DIFFERENT_FIELDS: 409,
  PENDING_TRANSFER_ALREADY_RESOLVED: 409,
  ALREADY_CLAIMED: 409,
  ALREADY_CONFIRMED: 409,
  TIME_CAP_REACHED: 409,
  INSUFFICIENT_MINUTES: 409,
  /** A settlement month closed before it ended. */
  PERIOD_NOT_ENDED: 409,
  /** Points expiry asked of a community whose points never expire (no `pointsValidYears`). */
  POINTS_NEVER_EXPIRE: 409,
  // 410
  VOUCHER_EXPIRED: 410,
  VOUCHER_CANCELLED: 410,
  PASS_EXPIRED: 410,
  // 413
  PAYLOAD_TOO_LARGE: 413,
  // 415
  UNSUPPORTED_MEDIA_TYPE: 415,
  // 422
  UNPROCESSABLE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  LISTING_NOT_AVAILABLE: 422,
  IMPORT_INVALID: 422,
  RULE_NOT_USABLE: 422,
  /** A deduction appealed more than 30 days after it was made. */
  APPEAL_WINDOW_CLOSED: 422,
  /** An objection to a notice after its 7-day display period. */
  OBJECTION_WINDOW_CLOSED: 422,
  NOT_SAME_HOUSEHOLD: 422,
  // 429
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_REQUESTS: 429,
  // 500, 503
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
  QUEUE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One field of a request and what is wrong with it. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/**
 * The shape of `details` for the codes whose details clients read; any other code carries a plain
 * record. Add a code here when its details become part of the contract.
 */
export interface ErrorDetailsByCode {
  VALIDATION_FAILED: { fields: FieldProblem[] };
  JSON_TOO_DEEP: { maxDepth?: number; fields: FieldProblem[] };
  INSUFFICIENT_POINTS: Record<string, unknown> & { available?: number; required?: number };
  DATABASE_UNAVAILABLE: { retryAfterSeconds: number };
  QUEUE_UNAVAILABLE: { retryAfterSeconds: number };
  TOO_MANY_ATTEMPTS: Record<string, unknown> & { retryAfterSeconds?: number };
}

export type ErrorDetails<C extends ErrorCode> = C extends keyof ErrorDetailsByCode
  ? ErrorDetailsByCode[C]
  : Record<string, unknown>;

/** Build one through the factories of `common/errors.ts` (`invalid`, `notFound`, `refuse`, …). */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    readonly details: ErrorDetails<C> = {} as ErrorDetails<C>,
    message?: string,
  ) {
    super(message ?? code.toLowerCase().replace(/_/g, ' '));
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
