/**
 * Dynamic stale cutoff (quality.py): how old a quote may be and still count, tighter near
 * the event. Kept as the source has it, including the low-liquidity multiplier of 1.35
 * that loosens the cutoff (spec §10 pitfall 9, decided: parity).
 */
import { MINUTE_MS, STALE_TYPE_MULTIPLIER } from './types';

/** Cutoff in minutes for a snapshot `minutesToEvent` before the event (NaN = no event time). */
export function staleCutoffMinutes(minutesToEvent: number, eventType: string, liquidityProxy: number): number {
  let base: number;
  if (!Number.isFinite(minutesToEvent)) base = 30;
  else if (minutesToEvent <= 30) base = 2;
  else if (minutesToEvent >= 1440) base = 60;
  else base = 2 + ((minutesToEvent - 30) / (1440 - 30)) * (60 - 2);
  const typeMult = STALE_TYPE_MULTIPLIER[eventType] ?? 1;
  let liqMult = 1;
  if (Number.isFinite(liquidityProxy)) {
    if (liquidityProxy <= 2) liqMult = 1.35;
    else if (liquidityProxy >= 6) liqMult = 0.8;
  }
  return Math.min(1440, Math.max(0.5, base * typeMult * liqMult));
}

export function staleCutoffMs(eventTime: number, asof: number, eventType: string, liquidityProxy: number): number {
  const minutes = Number.isFinite(eventTime) ? (eventTime - asof) / MINUTE_MS : Number.NaN;
  return staleCutoffMinutes(minutes, eventType, liquidityProxy) * MINUTE_MS;
}
