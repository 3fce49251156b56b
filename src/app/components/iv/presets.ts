/**
 * Presets, slider ranges and colours of the IV Surface page (ui-pages §7). Preset values are
 * this app's choices (the original's numbers were not recorded); each is a valid parameter set
 * inside the slider ranges.
 */
import type { HestonParams } from '../../../engine/iv/heston';
import type { SviParams } from '../../../engine/iv/svi';

export interface ParamDef<K extends string> {
  key: K;
  label: string;
  /** what the parameter does, shown next to its name */
  role: string;
  min: number;
  max: number;
  step: number;
  digits: number;
}

export const SVI_PARAMS: readonly ParamDef<keyof SviParams>[] = [
  { key: 'a', label: 'a', role: 'level', min: -0.1, max: 0.2, step: 0.001, digits: 3 },
  { key: 'b', label: 'b', role: 'angle', min: 0.01, max: 1, step: 0.01, digits: 2 },
  { key: 'rho', label: 'rho', role: 'skew', min: -0.95, max: 0.95, step: 0.01, digits: 2 },
  { key: 'm', label: 'm', role: 'shift', min: -0.3, max: 0.3, step: 0.01, digits: 2 },
  { key: 's', label: 'sigma', role: 'curvature', min: 0.01, max: 0.8, step: 0.01, digits: 2 },
];

export const SVI_PRESETS: Readonly<Record<string, SviParams>> = {
  'Equity Normal': { a: 0.04, b: 0.1, rho: -0.4, m: 0, s: 0.1 },
  'Equity Stressed': { a: 0.08, b: 0.3, rho: -0.7, m: -0.05, s: 0.15 },
  'Commodity Smile': { a: 0.05, b: 0.2, rho: 0.1, m: 0, s: 0.25 },
  'Flat Vol': { a: 0.04, b: 0.01, rho: 0, m: 0, s: 0.1 },
  'Steep Skew': { a: 0.03, b: 0.4, rho: -0.9, m: 0.05, s: 0.08 },
};

export const HESTON_PARAMS: readonly ParamDef<keyof HestonParams>[] = [
  { key: 'v0', label: 'v0', role: 'initial variance', min: 0.005, max: 0.3, step: 0.001, digits: 3 },
  { key: 'theta', label: 'theta', role: 'long-run variance', min: 0.005, max: 0.2, step: 0.001, digits: 3 },
  { key: 'kappa', label: 'kappa', role: 'mean reversion', min: 0.1, max: 5, step: 0.05, digits: 2 },
  { key: 'sigma', label: 'sigma', role: 'vol of vol', min: 0.05, max: 1.5, step: 0.01, digits: 2 },
  { key: 'rho', label: 'rho', role: 'spot–vol correlation', min: -0.95, max: 0.5, step: 0.01, digits: 2 },
];

export const HESTON_PRESETS: Readonly<Record<string, HestonParams>> = {
  'Normal Market': { v0: 0.04, theta: 0.04, kappa: 1.5, sigma: 0.3, rho: -0.7 },
  'Vol Storm': { v0: 0.16, theta: 0.09, kappa: 0.8, sigma: 1.0, rho: -0.85 },
  'Low Vol': { v0: 0.01, theta: 0.015, kappa: 2.0, sigma: 0.15, rho: -0.5 },
};

/** Smile expiries and their colours (ui-pages §7). */
export const SMILE_COLOURS: Readonly<Record<string, string>> = {
  '1M': '#58a6ff',
  '3M': '#3fb950',
  '6M': '#d29922',
  '1Y': '#bc8cff',
  '2Y': '#f85149',
};

export const COLOURS = {
  market: '#8b949e',
  raw: '#58a6ff',
  arbFree: '#3fb950',
  heston: '#d29922',
} as const;

/** Arb-aware tab inputs: defaults of the original builder's synthetic surface. */
export const ARB_DEFAULTS = { spot: 100, rate: 0.05, dividend: 0.01, noise: 0.003, maxIterations: 150 };

/** A preset name whose values equal `p`, or null (the user moved a slider). */
export function presetName<T extends object>(presets: Readonly<Record<string, T>>, p: T): string | null {
  for (const [name, v] of Object.entries(presets)) {
    if ((Object.keys(v) as (keyof T)[]).every((k) => v[k] === p[k])) return name;
  }
  return null;
}
