import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../../common/actor';
import { IsOptional, IsPastCalendarDate } from '../../common/validation';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty({ example: 'admin12345' })
  @IsString()
  @Length(1, 200)
  password: string;

  @ApiPropertyOptional({
    description:
      'the deviceToken an earlier login on this device answered for this username: failed logins from a known device have a count of their own, so other people’s wrong guesses never lock it out',
    maxLength: 128,
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  deviceToken?: string;
}

export const USERNAME_RE = /^[A-Za-z0-9_.@-]{3,64}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'zhang.hong' })
  @Matches(USERNAME_RE, { message: 'username must be 3-64 characters of letters, digits, _ . @ -' })
  username: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 200)
  password: string;

  @ApiProperty({ example: '张小红' })
  @IsString()
  @Length(1, 100)
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiProperty()
  @IsUUID()
  regionId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ example: '1950-03-02', format: 'date' })
  @IsOptional()
  @IsPastCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  householdNo?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,32}$/, { message: 'phone must be digits' })
  phone?: string;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 200)
  password: string;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  regionId: string | null;
  organizationId: string | null;
  householdNo: string | null;
  birthDate: string | null;
  active: boolean;
  status: 'active' | 'disabled' | 'deleted';
  deletedAt: Date | null;
  createdAt: Date;
}
