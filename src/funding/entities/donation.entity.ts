import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber, CreatedAt, DateTime3, IdColumn } from '../../database/columns';
import type { DonationKind, FundingSource } from '../funding.types';

/** A donation received by a community (mirrors migrations/1765200000000-Funding.ts). */
@Entity('donations')
@Index('idx_donations_community', ['communityId', 'receivedAt'])
@Index('idx_donations_donor', ['donorOrganizationId'])
export class DonationEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id: string;

  @IdColumn('community_id')
  communityId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DonationKind;

  @Column({ type: 'varchar', length: 32 })
  source: FundingSource;

  @IdColumn('donor_organization_id', { nullable: true })
  donorOrganizationId: string | null;

  @Column({ name: 'donor_name', type: 'varchar', length: 150, nullable: true })
  donorName: string | null;

  /** The whole value received, in fen (cash amount, sum of the items' values, or the service's value). */
  @Column({ name: 'amount_fen', type: 'bigint', transformer: bigintNumber })
  amountFen: number;

  @DateTime3('received_at')
  receivedAt: Date;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @IdColumn('recorded_by')
  recordedBy: string;

  @CreatedAt()
  createdAt: Date;
}
