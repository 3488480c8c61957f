import { ElMessage } from 'element-plus';
import { type Ref, ref } from 'vue';
import type { Page } from '@/api/types';
import { errorText } from '@/utils/errors';

export interface PagedList<T> {
  items: Ref<T[]>;
  /** The API's `nextCursor`: null once the last page is shown. */
  cursor: Ref<string | null>;
  loading: Ref<boolean>;
  loadingMore: Ref<boolean>;
  /** What went wrong with the first page, in plain words (shown in place of the table). */
  error: Ref<string>;
  /** The first page again (a filter changed, the refresh button). */
  load: () => Promise<void>;
  /** The next page, appended; a failure is a toast, the rows already shown stay. */
  loadMore: () => Promise<void>;
  /** Takes a row off the list (decided, withdrawn) without reloading. */
  drop: (key: string | number) => void;
  /** Puts a row's new state in its place. */
  replace: (item: T) => void;
}

/**
 * A console table over one of the API's keyset-paged lists (`{items, nextCursor}`): the first page,
 * "load more", and the loading and error states, the same on every page.
 * `alsoLoad` runs with the first page (what the page shows beside the list); `key` names a row
 * (its `id` unless told).
 */
export function usePagedList<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  opts: { alsoLoad?: () => Promise<void>; key?: (item: T) => string | number } = {},
): PagedList<T> {
  const keyOf = opts.key ?? ((item: T) => (item as { id: string }).id);
  const items = ref([]) as Ref<T[]>;
  const cursor = ref<string | null>(null);
  const loading = ref(true);
  const loadingMore = ref(false);
  const error = ref('');

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
    if (!cursor.value || loadingMore.value) return;
    loadingMore.value = true;
    try {
      await fetchInto(cursor.value);
    } catch (e) {
      ElMessage.error(errorText(e));
    } finally {
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
