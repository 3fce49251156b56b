import { describe, expect, it } from 'vitest';
import { assertPagesValid as assertNavValid, PAGES as NAV, type PageDef as NavEntry } from '../../../src/app/pages';

describe('navigation registry', () => {
  it('matches the UI contract order, routes and titles', () => {
    expect(NAV.map((n) => [n.label, n.route])).toEqual([
      ['Dashboard', '/dashboard'],
      ['System Health', '/system-health'],
      ['Data Explorer', '/data-explorer'],
      ['Model Lab', '/model-lab'],
      ['Signal Desk', '/signal-desk'],
      ['Backtest & Risk', '/backtests'],
      ['IV Surface', '/iv-surface'],
      ['S&P Comparison', '/benchmark-comparison'],
      ['System Logs', '/logs'],
      ['Autopilot & Events', '/autopilot'],
    ]);
    expect(NAV[0].title).toBe('Portfolio Intelligence Dashboard');
    expect(() => assertNavValid(NAV)).not.toThrow();
  });
  it('rejects duplicate order indices, routes and keys', () => {
    const twice: NavEntry[] = [NAV[0], { ...NAV[1], order: 1 }];
    expect(() => assertNavValid(twice)).toThrow(/duplicate order 1/);
    expect(() => assertNavValid([NAV[0], { ...NAV[1], route: '/dashboard' }])).toThrow(/duplicate route/);
    expect(() => assertNavValid([NAV[0], { ...NAV[1], key: 'd' }])).toThrow(/duplicate shortcut key/);
    expect(() => assertNavValid([NAV[1], NAV[0]])).toThrow(/out of order/);
  });
});
