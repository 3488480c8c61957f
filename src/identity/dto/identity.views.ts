import { ApiProperty } from '@nestjs/swagger';

/** What the identity routes answer, as the OpenAPI document describes it. */

export class LoginResultUser {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  username: string;

  @ApiProperty({ type: 'string' })
  displayName: string;

  @ApiProperty({ type: 'string', isArray: true })
  roles: string[];

  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  organizationId: string | null;
}

export class LoginResult {
  @ApiProperty({ type: 'string' })
  accessToken: string;

  @ApiProperty({ type: 'string' })
  tokenType: string;

  @ApiProperty({ type: 'integer' })
  expiresIn: number;

  @ApiProperty({ type: () => LoginResultUser })
  user: LoginResultUser;
}

export class MeRegion {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string' })
  kind: string;
}

export class User {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  username: string;

  @ApiProperty({ type: 'string' })
  displayName: string;

  @ApiProperty({ type: 'string', isArray: true })
  roles: string[];

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  regionId: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  householdNo: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  birthDate: string | null;

  @ApiProperty({ type: 'boolean' })
  active: boolean;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class Me extends User {
  @ApiProperty({ type: () => MeRegion })
  region: MeRegion;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  organization: Record<string, unknown> | null;
}

export class ResidentImport {
  @ApiProperty({ type: 'integer' })
  imported: number;

  @ApiProperty({ type: () => ResidentImportResident, isArray: true })
  residents: ResidentImportResident[];
}

export class ResidentImportResident {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  username: string;

  @ApiProperty({ type: 'integer' })
  line: number;
}
