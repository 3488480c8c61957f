import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { ResidentSearchQuery, ResidentSearchView } from './dto/resident-search.dto';
import { ResidentSearchService } from './resident-search.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('residents')
export class ResidentsController {
  constructor(private readonly residents: ResidentSearchService) {}

  @Get()
  @Roles('city_admin', 'street_officer', 'community_admin', 'community_staff', 'grid_worker')
  @ApiOperation({ summary: 'Find residents of the caller’s scope by name, household number or username' })
  @ApiOkResponse({ type: ResidentSearchView })
  search(@CurrentActor() actor: Actor, @Query() q: ResidentSearchQuery): Promise<ResidentSearchView> {
    return this.residents.search(actor, q);
  }
}
