/** Formatting of autopilot numbers; null / non-finite → "—" (never a guess). */
export function pct(v: number | null | undefined, d = 1): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(d)}%` : '—';
}

export function num(v: number | null | undefined, d = 2): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '—';
}

export function money(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const sign = v < 0 ? '−' : '';
  return `${sign}$${Math.abs(v).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}

export function signClass(v: number | null | undefined): string {
  return typeof v === 'number' && v > 0 ? 'ap-pos' : typeof v === 'number' && v < 0 ? 'ap-neg' : '';
}

/** Profit factor null = ∞ (profits, no losses). */
export function pf(v: number | null): string {
  return v === null ? '∞' : num(v);
}
