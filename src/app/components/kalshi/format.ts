/** Number formatting for the Kalshi tab: a missing number shows as "—", never as a guess. */
export function fx(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function pct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}
