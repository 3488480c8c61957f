import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { ROLES, type Role } from '../../common/actor';
import { IsPastCalendarDate } from '../../common/validation';

export const USER_STATUSES = ['active', 'disabled', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * `PATCH /users/:id`: only the fields sent change. `null` clears a field that may be empty
 * (organisation, household, birth date, phone); `status` switches between active and disabled
 * (deleting is `DELETE /users/:id`).
 */
export class UpdateUserDto {
  @ApiPropertyOptional({ example: '张小红' })
  @ValidateIf((o: UpdateUserDto) => o.displayName !== undefined)
  @IsString()
  @Length(1, 100)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @ValidateIf((o: UpdateUserDto) => o.roles !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ nullable: true, description: 'null: the user belongs to no organisation' })
  @IsOptional()
  @IsUUID()
  organizationId?: string | null;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @ValidateIf((o: UpdateUserDto) => o.status !== undefined)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  householdNo?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1950-03-02', format: 'date' })
  @IsOptional()
  @IsPastCalendarDate()
  birthDate?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,32}$/, { message: 'phone must be digits' })
  phone?: string | null;
}

/** A user as admins (and the user themself) see it. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  username: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles: Role[];

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  regionId: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  organizationId: string | null;

  @ApiProperty({ type: String, nullable: true })
  householdNo: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'date' })
  birthDate: string | null;

  @ApiProperty({ description: 'false while disabled and once deleted' })
  active: boolean;

  @ApiProperty({ enum: USER_STATUSES })
  status: UserStatus;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  deletedAt: Date | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}
