import { ApiProperty } from '@nestjs/swagger';
import { CREDIT_LEVELS } from '../../earning/credit-levels';

export class HouseholdMember {
  @ApiProperty({ type: 'string', format: 'uuid' }) residentId: string;
  @ApiProperty({ type: 'string' }) displayName: string;
  @ApiProperty({ type: 'integer', description: 'points the member can spend now' }) available: number;
  @ApiProperty({ type: 'integer', description: 'points the member earned in the year' }) earnedPoints: number;
  @ApiProperty({ enum: CREDIT_LEVELS }) creditLevel: string;
}

export class Household {
  @ApiProperty({ type: 'string' }) householdNo: string;
  @ApiProperty({ type: 'string', format: 'uuid' }) communityId: string;
  @ApiProperty({ type: 'integer', description: 'the calendar year of the earned points' }) year: number;
  @ApiProperty({ type: () => HouseholdMember, isArray: true }) members: HouseholdMember[];
  @ApiProperty({ type: 'integer', description: "the members' earned points together" }) earnedPoints: number;
  @ApiProperty({ enum: CREDIT_LEVELS, description: 'the best credit level of its members (AAA级信用户)' })
  creditLevel: string;
}

export class HouseholdGift {
  @ApiProperty({ type: 'string', format: 'uuid' }) id: string;
  @ApiProperty({ type: 'string', format: 'uuid' }) fromResidentId: string;
  @ApiProperty({ type: 'string', format: 'uuid' }) toResidentId: string;
  @ApiProperty({ type: 'integer' }) points: number;
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt: string;
}
