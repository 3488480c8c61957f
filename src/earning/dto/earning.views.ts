import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CREDIT_LEVELS } from '../credit-levels';
import { BASE_GRANT_STATUSES } from '../entities/base-grant-run.entity';
import { RULE_KINDS } from '../entities/point-rule.entity';
import { DECLARATION_STATUSES } from '../entities/declaration.entity';

/** What the earning routes answer, as the OpenAPI document describes it. */

export class RuleBook {
  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: () => RuleBookRule, isArray: true })
  rules: RuleBookRule[];
}

export class RuleBookRule {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  parentId: string | null;

  @ApiProperty({ type: 'string', enum: RULE_KINDS })
  kind: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'integer', nullable: true })
  points: number | null;

  @ApiProperty({ type: 'string', nullable: true })
  category: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  description: string | null;

  @ApiProperty({ type: 'boolean' })
  retired: boolean;

  @ApiProperty({ type: () => RuleBookRule, isArray: true })
  children: RuleBookRule[];
}

export class PointRule {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  parentId: string | null;

  @ApiProperty({ type: 'string', enum: RULE_KINDS })
  kind: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'string' })
  category: string;

  @ApiProperty({ type: 'string', nullable: true })
  description: string | null;

  @ApiProperty({ type: 'integer' })
  sortOrder: number;

  @ApiProperty({ type: 'boolean' })
  retired: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  retiredAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  updatedAt: string;
}

export class RuleImport {
  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  imported: number;

  @ApiProperty({ type: 'integer' })
  items: number;

  @ApiProperty({ type: 'integer' })
  retired: number;

  @ApiProperty({ type: () => RuleBookRule, isArray: true })
  rules: RuleBookRule[];
}

export class AwardTransfer {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  ledger: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  debitAccountId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  creditAccountId: string;

  @ApiProperty({ type: 'integer' })
  amount: number;

  @ApiProperty({ type: 'string' })
  phase: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  pendingId: string | null;

  @ApiProperty({ type: 'string' })
  code: string;

  @ApiProperty({ type: 'string' })
  refType: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  refId: string;

  @ApiProperty({ type: 'boolean' })
  exempt: boolean;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class Award {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  ruleId: string;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'string' })
  ruleName: string;

  @ApiProperty({ type: 'string' })
  ruleCategory: string;

  @ApiProperty({ type: 'string', nullable: true })
  ruleDescription: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  note: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  declarationId: string | null;

  @ApiProperty({ type: 'string', format: 'uuid' })
  awardedBy: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: () => AwardTransfer })
  transfer: AwardTransfer;
}

export class DeclarationListItem {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'string' })
  residentName: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  ruleId: string;

  @ApiProperty({ type: 'string' })
  ruleName: string;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: 'string' })
  note: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  declaredBy: string;

  @ApiProperty({ type: 'boolean' })
  proxy: boolean;

  @ApiProperty({ type: 'string', enum: DECLARATION_STATUSES })
  status: string;

  @ApiProperty({ type: 'string', nullable: true })
  reviewedBy: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  reviewedAt: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  rejectReason: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  awardId: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class Declaration extends DeclarationListItem {
  @ApiPropertyOptional({ type: () => Award })
  award?: Award;
}

export class DeclarationPage {
  @ApiProperty({ type: () => DeclarationListItem, isArray: true })
  items: DeclarationListItem[];

  @ApiProperty({ type: 'string', nullable: true })
  nextCursor: string | null;
}

/** What every job run shows of its progress: why it failed, and when it began and ended. */
export abstract class JobRunTimes {
  @ApiProperty({ type: 'string', nullable: true })
  error: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  startedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  finishedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class BaseGrantRun extends JobRunTimes {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: 'string', enum: BASE_GRANT_STATUSES })
  status: string;

  @ApiProperty({ type: 'integer' })
  points: number;

  @ApiProperty({ type: 'integer' })
  granted: number;

  @ApiProperty({ type: 'integer' })
  total: number;
}

export class RankingPage {
  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: () => RankingEntry, isArray: true })
  items: RankingEntry[];

  @ApiProperty({ type: 'string' })
  nextCursor: string;
}

export class BoardsPeriod {
  @ApiProperty({ type: 'string', format: 'date-time' })
  from: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  to: string;
}

export class BoardsYellow {
  @ApiProperty({ type: 'integer' })
  clearAfterDays: number;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  items: Array<Record<string, unknown>>;
}

export class Boards {
  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: 'integer' })
  month: number;

  @ApiProperty({ type: () => BoardsPeriod })
  period: BoardsPeriod;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  red: Array<Record<string, unknown>>;

  @ApiProperty({ type: () => BoardsYellow })
  yellow: BoardsYellow;
}

export class EarningSettings {
  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  yellowClearDays: number;

  @ApiPropertyOptional({ type: 'integer', description: 'absent: points never expire' })
  pointsValidYears?: number;
}

export class ResidentCreditThresholds {
  @ApiProperty({ type: 'integer' })
  aaa: number;

  @ApiProperty({ type: 'integer' })
  aa: number;

  @ApiProperty({ type: 'integer' })
  a: number;

  @ApiProperty({ type: 'string', format: 'uuid' })
  sourceRegionId: string;
}

export class ResidentCreditNext {
  @ApiProperty({ type: 'string' })
  level: string;

  @ApiProperty({ type: 'integer' })
  pointsNeeded: number;
}

export class ResidentCredit {
  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'integer' })
  year: number;

  @ApiProperty({ type: 'integer' })
  earnedPoints: number;

  @ApiProperty({ type: 'string', enum: CREDIT_LEVELS })
  level: string;

  @ApiProperty({ type: () => ResidentCreditThresholds })
  thresholds: ResidentCreditThresholds;

  @ApiProperty({ type: () => ResidentCreditNext, nullable: true })
  next: ResidentCreditNext | null;

  @ApiProperty({ type: () => CreditEntitlement, isArray: true })
  entitlements: CreditEntitlement[];
}

export class RankingEntry {
  @ApiProperty({ type: 'integer' })
  position: number;

  @ApiProperty({ type: 'integer' })
  rank: number;

  @ApiProperty({ type: 'string', format: 'uuid' })
  residentId: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'integer' })
  points: number;
}

export class CreditEntitlement {
  @ApiProperty({ type: 'string' })
  kind: string;

  @ApiProperty({ type: 'string' })
  description: string;

  @ApiPropertyOptional({ type: 'integer' })
  yearlyQuota?: number;
}

export class PointsExpiryRun extends JobRunTimes {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  communityId: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  asOf: string;

  @ApiProperty({ type: 'integer', description: 'points earned up to the end of this year are due' })
  cutYear: number;

  @ApiProperty({ type: 'integer' })
  validYears: number;

  @ApiProperty({ type: 'string', enum: ['queued', 'running', 'done', 'failed'] })
  status: string;

  @ApiProperty({ type: 'integer', description: 'residents whose points this run expired' })
  residentsExpired: number;

  @ApiProperty({ type: 'integer' })
  pointsExpired: number;
}
