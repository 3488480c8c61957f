import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
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
import { ApiErrors } from '../common/openapi';
import { FundingReport, FundingReportPage } from './dto/funding.views';

const READERS = ['community_admin', 'community_staff', 'street_officer', 'city_admin'] as const;

@ApiTags('funding-reports')
@ApiBearerAuth()
@Controller('funding-reports')
export class FundingReportsController {
  constructor(private readonly reports: FundingReportsService) {}

  @ApiOperation({ summary: 'Request a funding report of a region and period (built by a job)' })
  @ApiAcceptedResponse({ type: FundingReport })
  @ApiErrors('NOT_FOUND', 'UNPROCESSABLE', 'IDEMPOTENCY_KEY_REUSED')
  @Post()
  @HttpCode(202)
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  @ApiIdempotencyKey()
  request(
    @CurrentActor() actor: Actor,
    @Body() body: CreateFundingReportDto,
    @IdempotencyKey() key?: string,
  ) {
    return this.reports.request(actor, body, key);
  }

  @ApiOperation({ summary: "Funding reports of the caller's scope" })
  @ApiOkResponse({ type: FundingReportPage })
  @ApiErrors('NOT_FOUND')
  @Get()
  @Roles(...READERS)
  list(@CurrentActor() actor: Actor, @Query() q: ListFundingReportsQuery) {
    return this.reports.list(actor, q);
  }

  @ApiOperation({ summary: 'A built funding report as CSV' })
  @ApiOkResponse({ description: 'the file (text/csv)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors('INVALID_STATE', 'SERVICE_UNAVAILABLE')
  // The file routes come before `:id` so that `<id>.csv` is not read as an id.
  @Get(':id.csv')
  @Roles(...READERS)
  @ApiProduces('text/csv')
  csv(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'csv', q.version);
  }

  @ApiOperation({ summary: 'A built funding report as PDF' })
  @ApiOkResponse({ description: 'the file (application/pdf)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors('INVALID_STATE', 'SERVICE_UNAVAILABLE')
  @Get(':id.pdf')
  @Roles(...READERS)
  @ApiProduces('application/pdf')
  pdf(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'pdf', q.version);
  }

  @ApiOperation({ summary: 'The chart of a built funding report (PNG)' })
  @ApiOkResponse({ description: 'the file (image/png)', schema: { type: 'string', format: 'binary' } })
  @ApiErrors('INVALID_STATE', 'SERVICE_UNAVAILABLE')
  @Get(':id/chart.png')
  @Roles(...READERS)
  @ApiProduces('image/png')
  chart(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.file(actor, id, 'png', q.version);
  }

  @ApiOperation({
    summary: 'A funding report with its figures (a version other than the newest with ?version=)',
  })
  @ApiOkResponse({ type: FundingReport })
  @ApiErrors()
  @Get(':id')
  @Roles(...READERS)
  get(@CurrentActor() actor: Actor, @IdParam() id: string, @Query() q: FundingReportQuery) {
    return this.reports.get(actor, id, q.version);
  }

  @ApiOperation({ summary: "Build a report's figures again as a new version" })
  @ApiAcceptedResponse({ type: FundingReport })
  @ApiErrors('INVALID_STATE')
  @Post(':id/regenerate')
  @HttpCode(202)
  @Roles('community_admin', 'community_staff', 'street_officer', 'city_admin')
  regenerate(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.reports.regenerate(actor, id);
  }

  @ApiOperation({ summary: 'Send a report for review' })
  @ApiOkResponse({ type: FundingReport })
  @ApiErrors('INVALID_STATE')
  @Post(':id/submit')
  @HttpCode(200)
  @Roles('community_admin', 'community_staff', 'street_officer')
  submit(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: SubmitFundingReportDto) {
    return this.reports.submit(actor, id, body);
  }

  @ApiOperation({ summary: 'Approve or return a submitted report' })
  @ApiOkResponse({ type: FundingReport })
  @ApiErrors('INVALID_STATE', 'SELF_REVIEW_FORBIDDEN')
  @Post(':id/review')
  @HttpCode(200)
  @Roles('street_officer')
  review(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() body: ReviewFundingReportDto) {
    return this.reports.review(actor, id, body);
  }
}
