// The counter installs the service worker (Workbox, precaching the built app) so that the counter
// page itself loads without a network. Residents never load this module.
export async function installServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    const { registerSW } = await import('virtual:pwa-register');
    registerSW({ immediate: true });
  } catch {
    /* no service worker (private mode, old browser): the counter still works online */
  }
}
