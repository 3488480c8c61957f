import { ApiError } from '@/api/http';
import { i18n } from '@/i18n';

/** A plain-language message for any failure, from the API's `code` (never its English `message`). */
export function errorText(err: unknown): string {
  const t = i18n.global.t;
  const te = i18n.global.te;
  if (err instanceof ApiError) {
    if (err.code === 'TOO_MANY_ATTEMPTS') {
      const minutes = Math.max(1, Math.ceil(Number(err.details?.retryAfterSeconds ?? 60) / 60));
      return t('errors.TOO_MANY_ATTEMPTS', { minutes });
    }
    if (err.code === 'VALIDATION_FAILED' && err.fields.length) {
      return `${t('errors.VALIDATION_FAILED')}：${err.fields.map((f) => f.field).join('、')}`;
    }
    const key = `errors.${err.code}`;
    if (te(key)) return t(key);
    if (err.status >= 500) return t('errors.INTERNAL_ERROR');
    return t('errors.UNKNOWN', { code: err.code });
  }
  return t('errors.INTERNAL_ERROR');
}

/** The API's validation problems by field, for showing under the form's fields. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED') return {};
  const out: Record<string, string> = {};
  for (const f of err.fields) out[f.field] = f.problems.join('; ');
  return out;
}
