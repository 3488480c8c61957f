import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class ResidentSearchQuery {
  @ApiProperty({
    description: 'part of the name, the household number or the username',
    minLength: 1,
    maxLength: 50,
  })
  @IsString()
  @Length(1, 50)
  q: string;

  @ApiPropertyOptional({ description: 'only residents of this community or village (in the caller’s scope)' })
  @IsOptional()
  @IsUUID()
  communityId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class ResidentHitView {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
  @ApiProperty() username: string;
  @ApiProperty({ type: String, nullable: true }) householdNo: string | null;
  @ApiProperty() regionId: string;
  @ApiProperty({ type: String, nullable: true }) regionName: string | null;
}

export class ResidentSearchView {
  @ApiProperty({ type: [ResidentHitView] }) items: ResidentHitView[];
}
