import { onBeforeUnmount } from 'vue';

/**
 * Runs `fn` now and then every `ms` while the component lives (and the tab is visible), until it
 * returns `false`. Failures do not stop it: the next round tries again.
 */
export function usePoll(fn: () => Promise<boolean | void>, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const round = async () => {
    if (stopped) return;
    let again = true;
    try {
      if (document.visibilityState !== 'hidden') again = (await fn()) !== false;
    } catch {
      again = true;
    }
    if (again && !stopped) timer = setTimeout(round, ms);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  const restart = () => {
    stop();
    stopped = false;
    void round();
  };
  onBeforeUnmount(stop);
  return { start: () => void round(), stop, restart };
}
