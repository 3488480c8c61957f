import { ElMessage } from 'element-plus';
import type { Page } from '@/api/types';
import { type PagedList, type PagedListOptions, usePagedList } from '@/utils/paged-list';

/** A console table's paged list: a failed "load more" is a toast and the rows shown stay. */
export function usePagedTable<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  opts: PagedListOptions<T> = {},
): PagedList<T> {
  return usePagedList(fetchPage, { onMoreError: (m) => ElMessage.error(m), ...opts });
}
