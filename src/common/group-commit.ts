/**
 * Group commit (TigerBeetle's request model, in one process): writes submitted at about the same
 * moment are gathered and applied together by one `flush`, in one transaction with a few multi-row
 * statements, and each write still gets its own outcome.
 *
 * A batch is sent when `maxWaitMs` has passed since its first item, or when it is full, or as soon
 * as the batch before it has left the database: items that arrive while a batch is in flight wait
 * for it and go next, so a busy process sends large batches and an idle one waits at most
 * `maxWaitMs`. At most `maxInFlight` batches are in the database at once (default 1: batches of
 * one process never contend with each other).
 *
 * `flush` returns one outcome per item, in the items' order. An item's failure (a resident short of
 * points) is that item's outcome alone; when `flush` itself throws (the database went away), every
 * item of that batch is rejected with that error, and later batches are still sent (or, with
 * `failQueuedOn`, rejected at once with it when it says the database cannot be reached).
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<I, R> {
  flush: (items: I[]) => Promise<Outcome<R>[]>;
  /** Largest batch (default 512). */
  maxBatch?: number;
  /** Longest wait of a batch's first item before the batch is sent (ms, default 2). */
  maxWaitMs?: number;
  /** Batches in the database at once (default 1). */
  maxInFlight?: number;
  /**
   * When `flush` throws an error for which this is true (the database cannot be reached), the items
   * queued behind that batch are rejected with the same error at once instead of being sent: they
   * would only wait as long again for the same answer (default: never).
   */
  failQueuedOn?: (error: unknown) => boolean;
}

interface Pending<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  batches: number;
  items: number;
  largestBatch: number;
}

export class GroupCommit<I, R> {
  private readonly flushFn: (items: I[]) => Promise<Outcome<R>[]>;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly maxInFlight: number;
  private readonly failQueuedOn: (error: unknown) => boolean;
  private queue: Pending<I, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly counters: GroupCommitStats = { batches: 0, items: 0, largestBatch: 0 };

  constructor(opts: GroupCommitOptions<I, R>) {
    this.flushFn = opts.flush;
    this.maxBatch = opts.maxBatch ?? 512;
    this.maxWaitMs = opts.maxWaitMs ?? 2;
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.failQueuedOn = opts.failQueuedOn ?? (() => false);
    if (this.maxBatch < 1 || this.maxInFlight < 1 || this.maxWaitMs < 0) {
      throw new Error('GroupCommit: maxBatch and maxInFlight must be ≥ 1, maxWaitMs ≥ 0');
    }
  }

  /** Resolves with this item's value, or rejects with its error. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or in flight (for shutdown and tests). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private schedule(): void {
    if (this.queue.length === 0) return;
    if (this.inFlight >= this.maxInFlight) return; // sent when the batch in flight comes back
    if (this.queue.length >= this.maxBatch || this.maxWaitMs === 0) {
      this.send();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.send();
      }, this.maxWaitMs);
    }
  }

  private send(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.queue.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.counters.batches++;
      this.counters.items += batch.length;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
      void this.run(batch);
    }
  }

  private async run(batch: Pending<I, R>[]): Promise<void> {
    try {
      const outcomes = await this.flushFn(batch.map((p) => p.item));
      if (outcomes.length !== batch.length) {
        throw new Error(`GroupCommit: flush returned ${outcomes.length} outcomes for ${batch.length} items`);
      }
      outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)));
    } catch (err) {
      for (const p of batch) p.reject(err);
      if (this.failQueuedOn(err)) for (const p of this.queue.splice(0)) p.reject(err);
    } finally {
      this.inFlight--;
      // What queued while this batch was in the database goes now, without waiting further.
      if (this.queue.length > 0) this.send();
      else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((w) => w());
    }
  }
}
