import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { ApiError, api, newIdempotencyKey, uuid } from '@/api/http';
import type { Me } from '@/api/types';
import { i18n } from '@/i18n';
import { useNet } from '@/stores/net';
import { useSession } from '@/stores/session';
import { errorText } from '@/utils/errors';
import { dateTime, today } from '@/utils/format';
import { type ParsedCode, parseCode, verifySignature } from './codes';
import { enqueue, loadBundle, type OfflineBundle, queued, saveBundle, settle, type SyncedScan } from './offline-db';

export type Outcome =
  | 'redeemed'
  | 'already_redeemed'
  | 'expired'
  | 'cancelled'
  | 'wrong_organization'
  | 'invalid'
  | 'queued_offline'
  | 'eligible'
  | 'not_eligible'
  | 'quota_exhausted'
  | 'recorded';

export interface ScanOutcome {
  outcome: Outcome;
  /** A sentence under the big word (why, what next). */
  message?: string;
  lines: Array<[string, string]>;
  at: Date;
}

export interface SyncSummary {
  at: Date;
  accepted: number;
  conflicts: SyncedScan[];
  invalid: SyncedScan[];
}

const DEVICE_KEY = 'jifen.counterDevice';
const BUNDLE_REFRESH_MS = 5 * 60_000;
const SYNC_RETRY_MS = 10_000;

/** This browser's id as a till (kept in localStorage): offline scans and the scan history name it. */
function deviceIdOf(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = `web-${uuid().slice(0, 13)}`;
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** Outcomes of online scans, from the API's error codes. */
const OUTCOME_OF: Record<string, Outcome> = {
  ALREADY_REDEEMED: 'already_redeemed',
  VOUCHER_EXPIRED: 'expired',
  VOUCHER_CANCELLED: 'cancelled',
  WRONG_ORGANIZATION: 'wrong_organization',
  INVALID_CODE: 'invalid',
  VOUCHER_NOT_READY: 'invalid',
  NOT_FOUND: 'invalid',
};

/**
 * The counter: scanning online, and without a network. Offline it keeps the organisation's bundle
 * (public keys, vouchers that no longer redeem, allowance) in IndexedDB, checks each code's Ed25519
 * signature in the browser, queues the scan, and uploads the queue by itself as soon as the network
 * is back (online event or the /health probe), then shows what became a conflict.
 */
export const useCounter = defineStore('counter', () => {
  const t = i18n.global.t;
  const net = useNet();
  const session = useSession();
  const deviceId = deviceIdOf();
  const org = ref<{ id: string; name: string; type: string } | null>(null);
  const bundle = ref<OfflineBundle | null>(null);
  const queueCount = ref(0);
  const syncing = ref(false);
  const lastSync = ref<SyncSummary | null>(null);
  const ready = ref(false);
  const initError = ref('');
  /** The user the counter was set up for: another login on this tab sets it up again. */
  let startedFor: string | null = null;
  let timers: Array<ReturnType<typeof setInterval>> = [];

  const online = computed(() => net.online);
  const kinds = computed(() => {
    if (session.hasRole('hospital_staff')) return ['treat_first_pay_later', 'deposit_waiver', 'checkup_discount'];
    if (session.hasRole('canteen_staff')) return ['canteen_meal'];
    return [] as string[];
  });

  async function init(): Promise<void> {
    const me = session.user?.id ?? null;
    if (startedFor === me) return;
    startedFor = me;
    timers.forEach(clearInterval);
    timers = [];
    ready.value = false;
    bundle.value = null;
    lastSync.value = null;
    const cached = localStorage.getItem(`jifen.counterOrg.${me}`);
    org.value = cached ? JSON.parse(cached) : null;
    try {
      const profile = await api.get<Me>('/me');
      if (profile.organization) {
        org.value = profile.organization;
        localStorage.setItem(`jifen.counterOrg.${me}`, JSON.stringify(profile.organization));
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.network)) initError.value = errorText(e);
    }
    if (org.value) {
      bundle.value = (await loadBundle(org.value.id)) ?? null;
      await countQueue();
    }
    ready.value = true;
    await refreshBundle();
    void sync();
    timers.push(
      setInterval(() => void refreshBundle(), BUNDLE_REFRESH_MS),
      setInterval(() => {
        if (queueCount.value && net.online) void sync();
      }, SYNC_RETRY_MS),
    );
  }

  async function countQueue(): Promise<void> {
    queueCount.value = org.value ? (await queued(org.value.id)).length : 0;
  }

  async function refreshBundle(): Promise<void> {
    if (!net.online) return;
    try {
      const b = await api.get<Omit<OfflineBundle, 'fetchedAt'>>('/redemptions/offline-bundle', {
        query: { deviceId, organizationId: org.value?.id },
      });
      const full = { ...b, fetchedAt: new Date().toISOString() };
      await saveBundle(full);
      bundle.value = full;
      if (!org.value || org.value.id !== b.organizationId) org.value = { id: b.organizationId, name: org.value?.name ?? '', type: '' };
    } catch {
      /* offline or no scanner organisation: keep what is stored */
    }
  }

  // Back online: upload the queue by itself, then fetch a fresh bundle.
  watch(
    () => net.online,
    (on) => {
      if (on) void sync().then(refreshBundle);
    },
  );

  /** A voucher code, typed or read by the camera. */
  async function scanVoucher(code: string, parsed: ParsedCode | null): Promise<ScanOutcome> {
    if (net.online) {
      try {
        return await redeemOnline(code);
      } catch (e) {
        // No network, or the server cannot take it now (503): the scan is kept on this device.
        if (!(e instanceof ApiError && (e.network || e.status === 503))) throw e;
        void net.check();
      }
    }
    return scanOffline(code, parsed);
  }

  async function redeemOnline(code: string): Promise<ScanOutcome> {
    const at = new Date();
    try {
      const r = await api.post('/redemptions', { code, deviceId }, { idempotencyKey: newIdempotencyKey('scan') });
      return {
        outcome: 'redeemed',
        at,
        lines: [
          [t('counter.what'), `${r.listing?.title ?? ''} × ${r.order?.quantity ?? 1}`],
          [t('counter.forWhom'), r.resident?.displayName ?? ''],
          [t('counter.pointsTaken'), String(r.order?.totalPoints ?? '')],
          [t('counter.when'), dateTime(r.redeemedAt)],
          [t('counter.byWhom'), r.redeemedByName ?? ''],
        ],
      };
    } catch (e) {
      if (!(e instanceof ApiError) || e.network || e.status === 503) throw e;
      const outcome = OUTCOME_OF[e.code];
      if (!outcome) throw e;
      const d = e.details ?? {};
      const lines: Array<[string, string]> = [];
      let message = errorText(e);
      if (outcome === 'already_redeemed') {
        lines.push(
          [t('counter.when'), dateTime(d.redeemedAt)],
          [t('counter.where'), [d.organizationName, d.deviceId].filter(Boolean).join(' · ')],
          [t('counter.byWhom'), d.redeemedByName ?? '—'],
        );
      } else if (outcome === 'wrong_organization' && d.organizationName) {
        message = t('counter.belongsTo', { name: d.organizationName });
      } else if (outcome === 'expired' && d.expiresAt) {
        lines.push([t('counter.when'), dateTime(d.expiresAt)]);
      }
      return { outcome, message, lines, at };
    }
  }

  /** Offline: the signature, the organisation, the expiry and the bundle's list are checked here. */
  async function scanOffline(code: string, parsed: ParsedCode | null): Promise<ScanOutcome> {
    const at = new Date();
    const refuse = (outcome: Outcome, message: string): ScanOutcome => ({ outcome, message, lines: [], at });
    const b = bundle.value;
    if (!b || !org.value) return refuse('invalid', t('counter.noBundle'));
    if (Date.parse(b.validUntil) < at.getTime()) return refuse('invalid', t('counter.offlineExpired'));
    if (!parsed || parsed.type !== 'voucher' || !(await verifySignature(parsed, b.keys)))
      return refuse('invalid', t('errors.INVALID_CODE'));
    if (parsed.aux !== b.organizationId) return refuse('wrong_organization', t('errors.WRONG_ORGANIZATION'));
    if (parsed.expiresAt.getTime() <= at.getTime()) return refuse('expired', t('errors.VOUCHER_EXPIRED'));
    if (b.revoked.includes(parsed.subject)) return refuse('already_redeemed', t('errors.ALREADY_REDEEMED'));
    const waiting = await queued(b.organizationId);
    if (waiting.some((s) => s.orderId === parsed.subject)) return refuse('already_redeemed', t('counter.alreadyQueued'));
    if (waiting.length >= b.allowance.maxScans) return refuse('invalid', t('counter.allowanceUsed', { n: b.allowance.maxScans }));
    await enqueue({
      scanId: `s-${uuid()}`,
      organizationId: b.organizationId,
      deviceId,
      code,
      orderId: parsed.subject,
      scannedAt: at.toISOString(),
    });
    await countQueue();
    return {
      outcome: 'queued_offline',
      message: t('counter.queuedHint'),
      lines: [
        [t('counter.when'), dateTime(at)],
        [t('counter.queue'), String(queueCount.value)],
      ],
      at,
    };
  }

  /** Uploads the queued scans (the batch is idempotent by scan id: a retry changes nothing). */
  async function sync(): Promise<void> {
    if (syncing.value || !net.online || !org.value) return;
    const scans = await queued(org.value.id);
    if (!scans.length) return;
    syncing.value = true;
    try {
      const summary: SyncSummary = { at: new Date(), accepted: 0, conflicts: [], invalid: [] };
      for (let i = 0; i < scans.length; i += 500) {
        const part = scans.slice(i, i + 500);
        const res = await api.post<{ results: Array<{ scanId: string; status: string; reason?: string; firstStatus?: string }> }>(
          '/redemptions/offline-batch',
          {
            deviceId,
            organizationId: org.value.id,
            scans: part.map((s) => ({ code: s.code, scannedAt: s.scannedAt, scanId: s.scanId })),
          },
        );
        const done: SyncedScan[] = res.results.map((r) => {
          const s = part.find((x) => x.scanId === r.scanId)!;
          const status = (r.status === 'duplicate' ? r.firstStatus : r.status) as SyncedScan['status'];
          return { ...s, status: status ?? 'duplicate', reason: r.reason, syncedAt: new Date().toISOString() };
        });
        await settle(done);
        summary.accepted += done.filter((d) => d.status === 'accepted').length;
        summary.conflicts.push(...done.filter((d) => d.status === 'conflict'));
        summary.invalid.push(...done.filter((d) => d.status === 'invalid'));
      }
      lastSync.value = summary;
    } catch {
      /* still offline or refused: the queue stays, the next try sends it again */
    } finally {
      syncing.value = false;
      await countQueue();
    }
  }

  return { deviceId, org, bundle, queueCount, syncing, lastSync, ready, initError, online, kinds, init, scanVoucher, scanOffline, sync, countQueue, today };
});

export { parseCode };
