import { ApiProperty } from '@nestjs/swagger';
import { MUTUAL_AID_KINDS, MUTUAL_AID_STATUSES } from '../mutual-aid-rules';

const uuid = { type: 'string', format: 'uuid' } as const;
const nullableUuid = { type: 'string', format: 'uuid', nullable: true } as const;
const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: 'string', format: 'date-time', nullable: true } as const;
const nullableInt = { type: 'integer', nullable: true } as const;

export class MutualAidRequest {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) communityId: string;
  @ApiProperty({ enum: MUTUAL_AID_KINDS }) kind: string;
  @ApiProperty({ type: 'string' }) description: string;
  @ApiProperty(time) wantedAt: string;
  @ApiProperty({ type: 'integer', description: 'the minutes asked for' }) minutes: number;
  @ApiProperty({ ...uuid, description: 'the person helped' }) residentId: string;
  @ApiProperty({
    type: 'string',
    description: 'in full for staff and the people of the request; masked (王*奶) for other residents',
  })
  residentName: string;
  @ApiProperty({ ...uuid, description: 'the resident, or the grid worker who asked for them' })
  requestedBy: string;
  @ApiProperty({ type: 'boolean', description: 'asked by a grid worker for the resident' }) proxy: boolean;
  @ApiProperty({ type: 'boolean' }) payWithStoredTime: boolean;
  @ApiProperty({ enum: MUTUAL_AID_STATUSES }) status: string;
  @ApiProperty(nullableUuid) volunteerId: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'shown as residentName is' })
  volunteerName: string | null;
  @ApiProperty({ ...nullableInt, description: "the asker's minutes held for the volunteer" })
  heldMinutes: number | null;
  @ApiProperty({ ...nullableInt, description: 'the minutes the volunteer recorded' })
  completedMinutes: number | null;
  @ApiProperty({ ...nullableInt, description: 'the minutes credited to the volunteer' })
  creditedMinutes: number | null;
  @ApiProperty(nullableTime) claimedAt: string | null;
  @ApiProperty(nullableTime) completedAt: string | null;
  @ApiProperty(nullableUuid) confirmedBy: string | null;
  @ApiProperty(nullableTime) confirmedAt: string | null;
  @ApiProperty(nullableTime) cancelledAt: string | null;
  @ApiProperty(time) createdAt: string;
}

export class MutualAidRequestPage {
  @ApiProperty({ type: () => MutualAidRequest, isArray: true }) items: MutualAidRequest[];
  @ApiProperty({ type: 'string', nullable: true }) nextCursor: string | null;
}

export class TimeAccount {
  @ApiProperty({ type: 'integer', description: 'stored minutes that can be spent or given' }) minutes: number;
  @ApiProperty({ type: 'integer', description: 'minutes held for requests paid with stored time' })
  heldMinutes: number;
  @ApiProperty({ type: 'integer', description: "the community's cap on stored minutes (minutes + held)" })
  capMinutes: number;
}

export class TimeGift {
  @ApiProperty(uuid) id: string;
  @ApiProperty(uuid) fromResidentId: string;
  @ApiProperty(uuid) toResidentId: string;
  @ApiProperty({ type: 'integer' }) minutes: number;
  @ApiProperty(time) createdAt: string;
}
