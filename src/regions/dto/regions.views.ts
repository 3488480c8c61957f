import { ApiProperty } from '@nestjs/swagger';
import { ORGANIZATION_TYPES } from '../entities/organization.entity';
import { REGION_KINDS } from '../entities/region.entity';

/** What the regions routes answer, as the OpenAPI document describes it. */

export class RegionNode {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string', enum: REGION_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  parentId: string | null;

  @ApiProperty({ type: () => RegionNode, isArray: true })
  children: RegionNode[];
}

export class Region {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string', enum: REGION_KINDS })
  kind: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  parentId: string;

  @ApiProperty({ type: 'string' })
  path: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class Organization {
  @ApiProperty({ type: 'string', format: 'uuid' })
  id: string;

  @ApiProperty({ type: 'string' })
  name: string;

  @ApiProperty({ type: 'string', enum: ORGANIZATION_TYPES })
  type: string;

  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;
}

export class CommunityProfile {
  @ApiProperty({ type: 'string', format: 'uuid' })
  regionId: string;

  @ApiProperty({ type: 'integer' })
  population: number;

  @ApiProperty({ type: 'integer' })
  households: number;

  @ApiProperty({ type: 'integer' })
  collectiveIncomeFen: number;

  @ApiProperty({ type: 'integer' })
  baseGrantPoints: number;

  @ApiProperty({ type: 'integer', description: 'the most minutes of help a resident may store' })
  maxStoredMinutes: number;

  @ApiProperty({ type: 'integer', description: 'fen per point for city-wide settlement (default 100)' })
  pointValueFen: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  updatedAt: string;
}
