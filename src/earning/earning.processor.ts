import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { PROCESSOR_OPTIONS } from '../jobs/worker-runner.service';
import { QUEUES } from '../jobs/queues';
import { BASE_GRANT_JOB, BaseGrantJob, BaseGrantService } from './base-grant.service';
import { POINTS_EXPIRY_JOB, PointsExpiryJob, PointsExpiryService } from './points-expiry.service';

/** Jobs of the earning queue, as a discriminated union on the job name. */
export type EarningJob =
  | { name: typeof BASE_GRANT_JOB; data: BaseGrantJob }
  | { name: typeof POINTS_EXPIRY_JOB; data: PointsExpiryJob };

@Processor(QUEUES.earning, PROCESSOR_OPTIONS)
export class EarningProcessor extends WorkerHost {
  constructor(
    private readonly baseGrants: BaseGrantService,
    private readonly expiry: PointsExpiryService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const j = { name: job.name, data: job.data } as EarningJob;
    switch (j.name) {
      case BASE_GRANT_JOB:
        try {
          return await this.baseGrants.process(j.data);
        } catch (err) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await this.baseGrants.markFailed(j.data, (err as Error).message);
          throw err;
        }
      case POINTS_EXPIRY_JOB:
        try {
          return await this.expiry.process(j.data);
        } catch (err) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await this.expiry.markFailed(j.data, (err as Error).message);
          throw err;
        }
      default:
        throw new Error(`earning queue: unknown job ${job.name}`);
    }
  }
}
