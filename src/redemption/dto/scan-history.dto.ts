import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';

export class ScanHistoryQuery {
  @ApiPropertyOptional({
    description: 'a local (UTC+8) day, YYYY-MM-DD; default today',
    example: '2026-12-02',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a calendar date YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ description: 'the organisation, when the caller works for several' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export const SCAN_RESULTS = [
  'redeemed',
  'already_redeemed',
  'expired',
  'cancelled',
  'wrong_organization',
  'invalid',
  'not_ready',
  'conflict',
  'error',
] as const;
export type ScanResultKind = (typeof SCAN_RESULTS)[number];

export class ScanPersonView {
  @ApiProperty({ description: 'masked for residents (张*兰), full for staff' }) displayName: string;
}

export class ScanHistoryItem {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'when it was scanned (offline scans: the device’s time)' }) at: Date;
  @ApiProperty({ enum: ['online', 'offline'] }) channel: 'online' | 'offline';
  @ApiProperty({ enum: SCAN_RESULTS }) result: ScanResultKind;
  @ApiProperty({ description: 'the API’s outcome: REDEEMED or an error code; offline: the batch status' })
  outcome: string;
  @ApiProperty({ type: String, nullable: true }) orderId: string | null;
  @ApiProperty({ type: String, nullable: true }) listingTitle: string | null;
  @ApiProperty({ type: Number, nullable: true }) points: number | null;
  @ApiProperty({ type: ScanPersonView, nullable: true }) resident: ScanPersonView | null;
  @ApiProperty({ type: ScanPersonView }) staff: ScanPersonView;
  @ApiProperty({ type: String, nullable: true }) deviceId: string | null;
}

export class ScanHistoryView {
  @ApiProperty() organizationId: string;
  @ApiProperty() organizationName: string;
  @ApiProperty({ example: '2026-12-02' }) date: string;
  @ApiProperty() scans: number;
  @ApiProperty() redeemed: number;
  @ApiProperty({ description: 'points captured by the redeemed scans' }) points: number;
  @ApiProperty({ type: [ScanHistoryItem], description: 'newest first, at most 500' })
  items: ScanHistoryItem[];
}
