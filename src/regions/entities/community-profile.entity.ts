import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber, UpdatedAt } from '../../database/columns';

/** A community's or village's figures, used by base grants and funding reports. */
@Entity('community_profiles')
export class CommunityProfileEntity {
  @PrimaryColumn({ name: 'region_id', type: 'char', length: 36 })
  regionId: string;

  @Column({ type: 'int', nullable: true })
  population: number | null;

  @Column({ type: 'int', nullable: true })
  households: number | null;

  @Column({ name: 'collective_income_fen', type: 'bigint', nullable: true, transformer: bigintNumber })
  collectiveIncomeFen: number | null;

  @Column({ name: 'base_grant_points', type: 'int', default: 100 })
  baseGrantPoints: number;

  /** The most minutes of help a resident may store (时间储蓄); Nanjing's cap: 1,500 hours. */
  @Column({ name: 'max_stored_minutes', type: 'int', default: 90000 })
  maxStoredMinutes: number;

  /** What one point of this community is worth in fen when another community's provider redeems it (通兑). */
  @Column({ name: 'point_value_fen', type: 'int', default: 100 })
  pointValueFen: number;

  @UpdatedAt()
  updatedAt: Date;
}
