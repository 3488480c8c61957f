import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

// The counter's IndexedDB: the offline bundle per organisation, the queue of scans made without a
// network (kept until the server has answered for them), and the outcomes of uploaded scans.

export interface OfflineBundle {
  organizationId: string;
  deviceId: string | null;
  keys: Array<{ kid: string; publicKey: string; algorithm: string }>;
  revoked: string[];
  validUntil: string;
  allowance: { maxScans: number; maxPoints: number };
  generatedAt: string;
  fetchedAt: string;
}

export interface QueuedScan {
  scanId: string;
  organizationId: string;
  deviceId: string;
  code: string;
  orderId: string;
  scannedAt: string;
}

export interface SyncedScan extends QueuedScan {
  status: 'accepted' | 'conflict' | 'invalid' | 'duplicate';
  reason?: string;
  syncedAt: string;
}

interface CounterDb extends DBSchema {
  bundles: { key: string; value: OfflineBundle };
  queue: { key: string; value: QueuedScan; indexes: { byOrg: string } };
  synced: { key: string; value: SyncedScan; indexes: { byOrg: string } };
}

let db: Promise<IDBPDatabase<CounterDb>> | undefined;

export function counterDb(): Promise<IDBPDatabase<CounterDb>> {
  db ??= openDB<CounterDb>('jifen-counter', 1, {
    upgrade(d) {
      d.createObjectStore('bundles', { keyPath: 'organizationId' });
      d.createObjectStore('queue', { keyPath: 'scanId' }).createIndex('byOrg', 'organizationId');
      d.createObjectStore('synced', { keyPath: 'scanId' }).createIndex('byOrg', 'organizationId');
    },
  });
  return db;
}

export async function saveBundle(b: OfflineBundle): Promise<void> {
  await (await counterDb()).put('bundles', b);
}

export async function loadBundle(organizationId: string): Promise<OfflineBundle | undefined> {
  return (await counterDb()).get('bundles', organizationId);
}

export async function enqueue(s: QueuedScan): Promise<void> {
  await (await counterDb()).put('queue', s);
}

export async function queued(organizationId: string): Promise<QueuedScan[]> {
  const all = await (await counterDb()).getAllFromIndex('queue', 'byOrg', organizationId);
  return all.sort((a, b) => a.scannedAt.localeCompare(b.scannedAt));
}

/** Moves answered scans from the queue to `synced`, in one transaction. */
export async function settle(done: SyncedScan[]): Promise<void> {
  const tx = (await counterDb()).transaction(['queue', 'synced'], 'readwrite');
  for (const s of done) {
    await tx.objectStore('queue').delete(s.scanId);
    await tx.objectStore('synced').put(s);
  }
  await tx.done;
}

export async function syncedSince(organizationId: string, since: string): Promise<SyncedScan[]> {
  const all = await (await counterDb()).getAllFromIndex('synced', 'byOrg', organizationId);
  return all.filter((s) => s.scannedAt >= since).sort((a, b) => b.scannedAt.localeCompare(a.scannedAt));
}
