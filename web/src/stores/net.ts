import { defineStore } from 'pinia';
import { ref } from 'vue';
import { configureHttp } from '@/api/http';

const PROBE_MS = 3000;

/**
 * Whether the API can be reached, found out by the app itself: the browser's online/offline events,
 * failed requests, and while offline a probe of /health every few seconds. `since` changes each
 * time the state flips, for watchers (the counter uploads its queue when it comes back).
 */
export const useNet = defineStore('net', () => {
  const online = ref(navigator.onLine);
  const since = ref(Date.now());
  let probe: ReturnType<typeof setInterval> | undefined;

  function set(ok: boolean): void {
    if (ok === online.value) return;
    online.value = ok;
    since.value = Date.now();
    if (ok) stopProbe();
    else startProbe();
  }

  async function check(): Promise<boolean> {
    if (!navigator.onLine) {
      set(false);
      return false;
    }
    try {
      // Any answer (even a 503 of a busy server) means the network is there.
      await fetch('/health', { cache: 'no-store', method: 'GET' });
      set(true);
      return true;
    } catch {
      set(false);
      return false;
    }
  }

  function startProbe(): void {
    if (probe) return;
    probe = setInterval(check, PROBE_MS);
  }

  function stopProbe(): void {
    clearInterval(probe);
    probe = undefined;
  }

  window.addEventListener('offline', () => set(false));
  window.addEventListener('online', () => void check());
  configureHttp({ onNetwork: set });
  if (!online.value) startProbe();

  return { online, since, check };
});
