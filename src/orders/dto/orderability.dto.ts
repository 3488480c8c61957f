import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

export const ORDERABILITY_REASONS = [
  'not_found',
  'not_available',
  'credit_level',
  'age',
  'age_unknown',
  'limit_reached',
  'out_of_stock',
  'insufficient_points',
] as const;
export type OrderabilityReasonCode = (typeof ORDERABILITY_REASONS)[number];

export class OrderabilityQuery {
  @ApiProperty({
    description: 'listing ids, comma-separated (1-100)',
    type: String,
    example: '3545e1c2-7295-54c6-9cc7-6ffc6c839aaa,f4f6ade0-b3de-52a3-9ea4-3a33a0ed06f7',
  })
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray({ message: 'listingIds must be a comma-separated list of listing ids' })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'each of listingIds must be a UUID' })
  listingIds: string[];
}

export class OrderabilityReason {
  @ApiProperty({ enum: ORDERABILITY_REASONS })
  reason: OrderabilityReasonCode;
  @ApiPropertyOptional({ description: 'not_available: unpublished, not_yet_valid, expired or out_of_scope' })
  detail?: string;
  @ApiPropertyOptional({ description: 'credit_level: the level; age: years; insufficient_points: the price' })
  required?: string | number;
  @ApiPropertyOptional({ description: 'credit_level: the resident’s level; age: the resident’s age' })
  actual?: string | number | null;
  @ApiPropertyOptional() limit?: number;
  @ApiPropertyOptional({ enum: ['day', 'month', 'year'] }) period?: string;
  @ApiPropertyOptional({ description: 'limit_reached: what this period already counted' }) used?: number;
  @ApiPropertyOptional() available?: number;
  @ApiPropertyOptional() missing?: number;
}

export class ListingOrderability {
  @ApiProperty() listingId: string;
  @ApiProperty({ description: 'one unit could be ordered now' }) orderable: boolean;
  @ApiProperty({ type: [OrderabilityReason], description: 'every reason it cannot, most basic first' })
  reasons: OrderabilityReason[];
}

export class OrderabilityView {
  @ApiProperty({ description: 'the resident’s available points' }) available: number;
  @ApiProperty({ type: [ListingOrderability], description: 'in the order asked' })
  items: ListingOrderability[];
}
