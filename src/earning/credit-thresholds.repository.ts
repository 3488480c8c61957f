import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CreditThresholdEntity } from './entities/credit-threshold.entity';

/** The statements of `credit_thresholds`. */
@Injectable()
export class CreditThresholdsRepository {
  constructor(
    @InjectRepository(CreditThresholdEntity) private readonly thresholds: Repository<CreditThresholdEntity>,
  ) {}

  /** The thresholds these regions set themselves (regions without any have no row). */
  ofRegions(regionIds: string[]): Promise<CreditThresholdEntity[]> {
    return this.thresholds.findBy({ regionId: In(regionIds) });
  }

  async set(t: { regionId: string; aaa: number; aa: number; a: number; updatedBy: string }): Promise<void> {
    await this.thresholds.query(
      `INSERT INTO credit_thresholds (region_id, aaa, aa, a, updated_by) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE aaa = VALUES(aaa), aa = VALUES(aa), a = VALUES(a), updated_by = VALUES(updated_by)`,
      [t.regionId, t.aaa, t.aa, t.a, t.updatedBy],
    );
  }

  async clear(regionId: string): Promise<void> {
    await this.thresholds.delete({ regionId });
  }
}
