import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor';
import { ApiIdempotencyKey, CurrentActor, IdempotencyKey, IdParam, Roles } from '../common/decorators';
import {
  CreateFundingReportDto,
  FundingReportQuery,
  ListFundingReportsQuery,
  ReviewFundingReportDto,
  SubmitFundingReportDto,
} from './dto/funding.dto';
import { FundingReportsService } from './funding-reports.service';

const READERS = ['community_admin', 'community_staff', 'street_officer', 'city_admin'] as const;

@ApiTags('funding-reports')
@ApiBearerAuth()
@Controller('funding-reports')
export class FundingReportsController {
  constructor(private readonly reports: FundingReportsService) {}

  @Post()
  @HttpCode(202)
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  @ApiIdempotencyKey()
  @ApiAcceptedResponse({ description: '`{id, status: "queued", ...}`: built by the reports queue' })
  request(
    @CurrentActor() actor: Actor,
    @Body() body: CreateFundingReportDto,
    @IdempotencyKey() key?: string,
  ) {
    return this.reports.request(actor, body, key);
  }

  @Get()
  @Roles(...READERS)
  list(@CurrentActor() actor: Actor, @Query() q: ListFundingReportsQuery) {
    return this.reports.list(actor, q);
  }

  // The file routes come before `:id` so that `<id>.csv` is not read as an id.
  @Get(':id.csv')
  @Roles(...READERS)
  @ApiProduces('text/csv')
  csv(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'csv', q.version);
  }

  @Get(':id.pdf')
  @Roles(...READERS)
  @ApiProduces('application/pdf')
  pdf(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'pdf', q.version);
  }

  @Get(':id/chart.png')
  @Roles(...READERS)
  @ApiProduces('image/png')
  chart(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'png', q.version);
  }

  @Get(':id')
  @Roles(...READERS)
  get(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.get(actor, id, q.version);
  }

  @Post(':id/regenerate')
  @HttpCode(202)
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  regenerate(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.reports.regenerate(actor, id);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles('community_admin', 'community_staff', 'street_officer')
  submit(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SubmitFundingReportDto) {
    return this.reports.submit(actor, id, body);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('street_officer')
  review(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ReviewFundingReportDto) {
    return this.reports.review(actor, id, body);
  }
}
