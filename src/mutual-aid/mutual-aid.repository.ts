import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterTimeId } from '../common/pagination';
import { affectedRows } from '../database/transaction.service';
import { MutualAidRequestEntity } from './entities/mutual-aid-request.entity';
import { MutualAidStatus, Transition, TRANSITIONS } from './mutual-aid-rules';

/** A request as the driver returns it. */
interface RequestRow {
  id: string;
  community_id: string;
  resident_id: string;
  requested_by: string;
  kind: MutualAidRequestEntity['kind'];
  description: string;
  wanted_at: Date;
  minutes: number;
  pay_with_stored_time: number | boolean;
  status: MutualAidStatus;
  volunteer_id: string | null;
  claimed_at: Date | null;
  hold_transfer_id: string | null;
  held_minutes: number | null;
  completed_minutes: number | null;
  completed_at: Date | null;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  credited_minutes: number | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The one column list of `mutual_aid_requests`. */
const REQUEST_COLUMNS = `id, community_id, resident_id, requested_by, kind, description, wanted_at, minutes,
  pay_with_stored_time, status, volunteer_id, claimed_at, hold_transfer_id, held_minutes, completed_minutes,
  completed_at, confirmed_by, confirmed_at, credited_minutes, cancelled_by, cancelled_at, created_at, updated_at`;

/** A request as the service reads it (the entity's fields). */
/** The columns a new request is written with (the others start NULL or at their defaults). */
const NEW_REQUEST_COLUMNS =
  'id, community_id, resident_id, requested_by, kind, description, wanted_at, minutes, pay_with_stored_time, status';

export type MutualAidRequest = MutualAidRequestEntity;

const toRequest = (r: RequestRow): MutualAidRequest => ({
  id: r.id,
  communityId: r.community_id,
  residentId: r.resident_id,
  requestedBy: r.requested_by,
  kind: r.kind,
  description: r.description,
  wantedAt: r.wanted_at,
  minutes: Number(r.minutes),
  payWithStoredTime: !!Number(r.pay_with_stored_time),
  status: r.status,
  volunteerId: r.volunteer_id,
  claimedAt: r.claimed_at,
  holdTransferId: r.hold_transfer_id,
  heldMinutes: r.held_minutes === null ? null : Number(r.held_minutes),
  completedMinutes: r.completed_minutes === null ? null : Number(r.completed_minutes),
  completedAt: r.completed_at,
  confirmedBy: r.confirmed_by,
  confirmedAt: r.confirmed_at,
  creditedMinutes: r.credited_minutes === null ? null : Number(r.credited_minutes),
  cancelledBy: r.cancelled_by,
  cancelledAt: r.cancelled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface NewRequest {
  id: string;
  communityId: string;
  residentId: string;
  requestedBy: string;
  kind: MutualAidRequestEntity['kind'];
  description: string;
  wantedAt: Date;
  minutes: number;
  payWithStoredTime: boolean;
}

/** What a transition writes beside the status (the columns of that step). */
export type TransitionFields = {
  claim: { volunteerId: string };
  complete: { volunteerId: string; completedMinutes: number };
  confirm: { confirmedBy: string; creditedMinutes: number };
  cancel: { cancelledBy: string };
};

/** What each step writes beside the status, and what else its row must match. */
const STEP_COLUMNS: {
  [T in Transition]: (f: TransitionFields[T]) => {
    set: string;
    params: unknown[];
    where?: string;
    whereParams?: unknown[];
  };
} = {
  claim: (f) => ({ set: 'volunteer_id = ?, claimed_at = CURRENT_TIMESTAMP(3)', params: [f.volunteerId] }),
  complete: (f) => ({
    set: 'completed_minutes = ?, completed_at = CURRENT_TIMESTAMP(3)',
    params: [f.completedMinutes],
    where: ' AND volunteer_id = ?',
    whereParams: [f.volunteerId],
  }),
  confirm: (f) => ({
    set: 'confirmed_by = ?, confirmed_at = CURRENT_TIMESTAMP(3), credited_minutes = ?',
    params: [f.confirmedBy, f.creditedMinutes],
  }),
  cancel: (f) => ({ set: 'cancelled_by = ?, cancelled_at = CURRENT_TIMESTAMP(3)', params: [f.cancelledBy] }),
};

/** The statements of `mutual_aid_requests`: every change of status is a conditional update. */
@Injectable()
export class MutualAidRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(tx: EntityManager, r: NewRequest): Promise<void> {
    await tx.query(
      `INSERT INTO mutual_aid_requests (${NEW_REQUEST_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
      [
        r.id,
        r.communityId,
        r.residentId,
        r.requestedBy,
        r.kind,
        r.description,
        r.wantedAt,
        r.minutes,
        r.payWithStoredTime ? 1 : 0,
      ],
    );
  }

  async byId(tx: EntityManager, id: string): Promise<MutualAidRequest | null> {
    const rows: RequestRow[] = await tx.query(
      `SELECT ${REQUEST_COLUMNS} FROM mutual_aid_requests WHERE id = ?`,
      [id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  /** A request, locked for the rest of the transaction (its steps are serialised here). */
  async lockById(tx: EntityManager, id: string): Promise<MutualAidRequest | null> {
    const rows: RequestRow[] = await tx.query(
      `SELECT ${REQUEST_COLUMNS} FROM mutual_aid_requests WHERE id = ? FOR UPDATE`,
      [id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  /** A request on the pool. */
  get(id: string): Promise<MutualAidRequest | null> {
    return this.byId(this.db.manager, id);
  }

  /**
   * Moves a request along one transition if it is in one of the transition's `from` statuses (and,
   * completing, claimed by this volunteer); whether it changed the row.
   */
  async transition<T extends Transition>(
    tx: EntityManager,
    id: string,
    t: T,
    f: TransitionFields[T],
  ): Promise<boolean> {
    const { from, to } = TRANSITIONS[t];
    const { set, params, where = '', whereParams = [] } = STEP_COLUMNS[t](f);
    const res: unknown = await tx.query(
      `UPDATE mutual_aid_requests SET status = ?, ${set}
        WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})${where}`,
      [to, ...params, id, ...from, ...whereParams],
    );
    return affectedRows(res) === 1;
  }

  /** Records the hold of the asker's minutes on a request just claimed. */
  async setHold(tx: EntityManager, id: string, transferId: string, minutes: number): Promise<void> {
    await tx.query('UPDATE mutual_aid_requests SET hold_transfer_id = ?, held_minutes = ? WHERE id = ?', [
      transferId,
      minutes,
      id,
    ]);
  }

  /** Newest first: `limit` requests of a community, optionally of one status, after a `TIME_ID` cursor. */
  async list(f: {
    communityId: string;
    status?: MutualAidStatus;
    cursor: Array<string | number> | null;
    limit: number;
  }): Promise<MutualAidRequest[]> {
    const where = ['community_id = ?'];
    const params: unknown[] = [f.communityId];
    if (f.status) {
      where.push('status = ?');
      params.push(f.status);
    }
    const after = afterTimeId(f.cursor, 'created_at', 'id');
    if (after) {
      where.push(after.sql);
      params.push(...after.params);
    }
    const rows: RequestRow[] = await this.db.query(
      `SELECT ${REQUEST_COLUMNS} FROM mutual_aid_requests WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ?`,
      [...params, f.limit],
    );
    return rows.map(toRequest);
  }
}
