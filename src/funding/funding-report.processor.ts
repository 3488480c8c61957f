import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUES } from '../jobs/queues';
import { PROCESSOR_OPTIONS } from '../jobs/worker-runner.service';
import { FUNDING_REPORT_BUILD_JOB, FundingReportJob, ReportBuilderService } from './report-builder.service';

/** Builds funding reports queued through the outbox. Idempotent (see ReportBuilderService.build). */
@Processor(QUEUES.reports, PROCESSOR_OPTIONS)
export class FundingReportProcessor extends WorkerHost {
  constructor(private readonly builder: ReportBuilderService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const j = { name: job.name, data: job.data } as FundingReportJob;
    switch (j.name) {
      case FUNDING_REPORT_BUILD_JOB:
        try {
          return await this.builder.build(j.data.reportId, j.data.version);
        } catch (err) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await this.builder.markFailed(j.data.reportId, j.data.version, (err as Error).message);
          throw err;
        }
      default:
        throw new Error(`reports queue: unknown job ${job.name}`);
    }
  }
}
