import { type Ref, ref } from 'vue';
import type { Page } from '@/api/types';
import { errorText } from '@/utils/errors';

export interface PagedList<T> {
  items: Ref<T[]>;
  /** The API's `nextCursor`: null once the last page is shown. */
  cursor: Ref<string | null>;
  loading: Ref<boolean>;
  /** True while the next page loads (also Vant's `van-list` `v-model:loading`). */
  loadingMore: Ref<boolean>;
  /** What went wrong, in plain words (the page shows it in place of the list). */
  error: Ref<string>;
  /** The first page again (a filter changed, the refresh button, retry). */
  load: () => Promise<void>;
  /** The next page, appended; the rows already shown stay. */
  loadMore: () => Promise<void>;
  /** Takes a row off the list (decided, withdrawn) without reloading. */
  drop: (key: string | number) => void;
  /** Puts a row's new state in its place. */
  replace: (item: T) => void;
}

export interface PagedListOptions<T> {
  /** Runs with the first page (what the page shows beside the list). */
  alsoLoad?: () => Promise<void>;
  /** A row's key: its `id` unless told. */
  key?: (item: T) => string | number;
  /** How a failed next page is told: in `error` unless told (the console shows a toast). */
  onMoreError?: (message: string) => void;
}

/**
 * A list over one of the API's keyset-paged routes (`{items, nextCursor}`): the first page, the
 * next ones, and the loading and error states, the same on every page of the console and the
 * mall. No UI library here: the mobile pages must not load the console's.
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  opts: PagedListOptions<T> = {},
): PagedList<T> {
  const keyOf = opts.key ?? ((item: T) => (item as { id: string }).id);
  const items = ref([]) as Ref<T[]>;
  const cursor = ref<string | null>(null);
  const loading = ref(true);
  const loadingMore = ref(false);
  const error = ref('');
  let fetchingMore = false;

  async function fetchInto(after: string | null): Promise<void> {
    const p = await fetchPage(after);
    items.value = after ? [...items.value, ...p.items] : p.items;
    cursor.value = p.nextCursor;
  }

  async function load(): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      await Promise.all([fetchInto(null), opts.alsoLoad?.()]);
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (!cursor.value || loading.value || fetchingMore) {
      loadingMore.value = false;
      return;
    }
    fetchingMore = true;
    loadingMore.value = true;
    try {
      await fetchInto(cursor.value);
    } catch (e) {
      if (opts.onMoreError) opts.onMoreError(errorText(e));
      else error.value = errorText(e);
    } finally {
      fetchingMore = false;
      loadingMore.value = false;
    }
  }

  const drop = (key: string | number) => {
    items.value = items.value.filter((x) => keyOf(x) !== key);
  };
  const replace = (item: T) => {
    items.value = items.value.map((x) => (keyOf(x) === keyOf(item) ? item : x));
  };

  return { items, cursor, loading, loadingMore, error, load, loadMore, drop, replace };
}
