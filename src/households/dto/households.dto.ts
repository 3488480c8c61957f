import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { IsOptional } from '../../common/validation';

/** The most points one gift may move. */
export const MAX_GIFT_POINTS = 10_000_000;

export class HouseholdParams {
  @ApiProperty({
    description: 'the household number of the register (户号)',
    maxLength: 64,
    example: 'H-0101',
  })
  @IsString()
  @Length(1, 64)
  @Matches(/^[^\p{Cc}]+$/u, { message: 'householdNo must not contain control characters' })
  householdNo: string;
}

export class HouseholdQuery {
  @ApiPropertyOptional({ description: "the household's community (default: the caller's own)" })
  @IsOptional()
  @IsUUID()
  communityId?: string;
}

export class HouseholdGiftDto {
  @ApiProperty({ description: 'a member of your household' })
  @IsUUID()
  toResidentId: string;

  @ApiProperty({ minimum: 1, maximum: MAX_GIFT_POINTS })
  @IsInt()
  @Min(1)
  @Max(MAX_GIFT_POINTS)
  points: number;
}
