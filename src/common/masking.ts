/**
 * A name as shown on public boards: first character, `*`, last character (张小红 → 张*红); a
 * two-character name keeps its first character (张红 → 张*); a single character is hidden (`*`).
 * Works on code points, so names outside the BMP are not split.
 */
export function maskName(name: string | null | undefined): string {
  const chars = Array.from((name ?? '').trim());
  if (chars.length === 0) return '*';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}*${chars[chars.length - 1]}`;
}
