import { type Component, lazy } from 'solid-js';
import type { IconName } from './components/Icon';

/**
 * The navigation registry: one explicit array, fixed order with unique indices (the Dash
 * registry once had two pages at order 2). Each page is its own lazy chunk. Routes,
 * labels and titles are part of the UI ↔ e2e contract. `key` is the letter of the "g then <key>" shortcut.
 */
export interface PageDef {
  order: number;
  id: PageId;
  label: string;
  route: string;
  /** the page's <h1> */
  title: string;
  icon: IconName;
  key: string;
  /** older routes that redirect here (spec aliases) */
  aliases: readonly string[];
  /** lazily loaded page component (its own chunk) */
  component: Component;
}

export type PageId =
  | 'dashboard'
  | 'systemHealth'
  | 'dataExplorer'
  | 'modelLab'
  | 'signalDesk'
  | 'backtests'
  | 'ivSurface'
  | 'benchmark'
  | 'logs'
  | 'autopilot';

export const PAGES: readonly PageDef[] = [
  {
    order: 1,
    id: 'dashboard',
    label: 'Dashboard',
    route: '/dashboard',
    title: 'Portfolio Intelligence Dashboard',
    icon: 'chartLine',
    key: 'd',
    aliases: [],
    component: lazy(() => import('./pages/DashboardPage')),
  },
  {
    order: 2,
    id: 'systemHealth',
    label: 'System Health',
    route: '/system-health',
    title: 'System Health',
    icon: 'heartPulse',
    key: 'h',
    aliases: [],
    component: lazy(() => import('./pages/SystemHealthPage')),
  },
  {
    order: 3,
    id: 'dataExplorer',
    label: 'Data Explorer',
    route: '/data-explorer',
    title: 'Data Explorer',
    icon: 'database',
    key: 'e',
    aliases: [],
    component: lazy(() => import('./pages/DataExplorerPage')),
  },
  {
    order: 4,
    id: 'modelLab',
    label: 'Model Lab',
    route: '/model-lab',
    title: 'Model Lab',
    icon: 'flask',
    key: 'm',
    aliases: [],
    component: lazy(() => import('./pages/ModelLabPage')),
  },
  {
    order: 5,
    id: 'signalDesk',
    label: 'Signal Desk',
    route: '/signal-desk',
    title: 'Signal Desk',
    icon: 'signal',
    key: 's',
    aliases: [],
    component: lazy(() => import('./pages/SignalDeskPage')),
  },
  {
    order: 6,
    id: 'backtests',
    label: 'Backtest & Risk',
    route: '/backtests',
    title: 'Backtest & Risk',
    icon: 'chartArea',
    key: 'b',
    aliases: ['/backtest-risk'],
    component: lazy(() => import('./pages/BacktestPage')),
  },
  {
    order: 7,
    id: 'ivSurface',
    label: 'IV Surface',
    route: '/iv-surface',
    title: 'IV Surface',
    icon: 'layers',
    key: 'i',
    aliases: [],
    component: lazy(() => import('./pages/IvSurfacePage')),
  },
  {
    order: 8,
    id: 'benchmark',
    label: 'S&P Comparison',
    route: '/benchmark-comparison',
    title: 'S&P Comparison',
    icon: 'scale',
    key: 'c',
    aliases: ['/sp-comparison'],
    component: lazy(() => import('./pages/BenchmarkPage')),
  },
  {
    order: 9,
    id: 'logs',
    label: 'System Logs',
    route: '/logs',
    title: 'System Logs',
    icon: 'terminal',
    key: 'l',
    aliases: ['/system-logs'],
    component: lazy(() => import('./pages/LogsPage')),
  },
  {
    order: 10,
    id: 'autopilot',
    label: 'Autopilot & Events',
    route: '/autopilot',
    title: 'Autopilot & Events',
    icon: 'robot',
    key: 'a',
    aliases: [],
    component: lazy(() => import('./pages/AutopilotPage')),
  },
];

/** Throws when the registry breaks its own rules (checked at start-up and in unit tests). */
export function assertPagesValid(nav: readonly PageDef[]): void {
  const dup = (xs: readonly (string | number)[]) => xs.find((x, i) => xs.indexOf(x) !== i);
  const checks: [string, string | number | undefined][] = [
    ['order', dup(nav.map((n) => n.order))],
    ['route', dup([...nav.map((n) => n.route), ...nav.flatMap((n) => n.aliases)])],
    ['shortcut key', dup(nav.map((n) => n.key))],
    ['id', dup(nav.map((n) => n.id))],
  ];
  for (const [what, d] of checks) {
    if (d !== undefined) throw new Error(`navigation registry: duplicate ${what} ${JSON.stringify(d)}`);
  }
  for (let i = 1; i < nav.length; i++) {
    if (nav[i].order <= nav[i - 1].order) throw new Error(`navigation registry: "${nav[i].label}" is out of order`);
  }
}

export function pageByKey(key: string): PageDef | undefined {
  return PAGES.find((n) => n.key === key);
}

export function pageById(id: PageId): PageDef {
  const n = PAGES.find((x) => x.id === id);
  if (!n) throw new Error(`unknown page id ${id}`);
  return n;
}
