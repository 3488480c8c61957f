// Display helpers: times in China Standard Time whatever the device's zone, points and yuan.
const TZ = 'Asia/Shanghai';

function parts(d: Date): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}

export function dateTime(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const p = parts(new Date(v));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function date(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const p = parts(new Date(v));
  return `${p.year}-${p.month}-${p.day}`;
}

export function time(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const p = parts(new Date(v));
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** Today's local (UTC+8) date, `YYYY-MM-DD`. */
export function today(): string {
  return date(new Date());
}

/** A report period `[from, to)` shown as local days, `to` inclusive. */
export function period(from: string, to: string): string {
  return `${date(from)} ~ ${date(new Date(new Date(to).getTime() - 1))}`;
}

export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  return `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${(share * 100).toFixed(1)}%`;
}

export function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Yuan as typed in a form (`350`, `350.5`, `350.50`) to fen, or null when it is not a valid amount. */
export function fenOf(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen > 0 ? fen : null;
}
