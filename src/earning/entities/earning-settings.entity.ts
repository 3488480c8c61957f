import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAt } from '../../database/columns';

export const DEFAULT_YELLOW_CLEAR_DAYS = 30;

/** A community's earning settings (a row only once a setting differs from the default). */
@Entity('earning_settings')
export class EarningSettingsEntity {
  @PrimaryColumn({ name: 'community_id', type: 'char', length: 36 })
  communityId: string;

  /** A yellow-board mark clears after this many days without a new deduction. */
  @Column({ name: 'yellow_clear_days', type: 'int', default: DEFAULT_YELLOW_CLEAR_DAYS })
  yellowClearDays: number;

  /** Points earned in year Y expire unspent at the end of year Y + this; NULL: they never expire. */
  @Column({ name: 'points_valid_years', type: 'int', nullable: true })
  pointsValidYears: number | null;

  @UpdatedAt()
  updatedAt: Date;
}
