import { createMemo, createSignal, type JSX, lazy, Match, Suspense, Switch } from 'solid-js';
import type { PanelState } from '../components/Panel';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { formatClock } from '../lib/format';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty, fromLoad, GO_BACKTEST, GO_MODEL_LAB, NO_BACKTEST } from './common';
import { KeyMetrics } from './dashboard/KeyMetrics';
import { PricePanel } from './dashboard/PricePanel';

/** Its own chunk: the research charts load only when the Regime State tab opens. */
const RegimeStateTab = lazy(() => import('./dashboard/RegimeStateTab'));
/** Its own chunk too: equity, trades and risk panels of the latest backtest run. */
const OverviewTab = lazy(() => import('./dashboard/BacktestTabs').then((m) => ({ default: m.OverviewTab })));
const TradeLogTab = lazy(() => import('./dashboard/BacktestTabs').then((m) => ({ default: m.TradeLogTab })));
const RiskTab = lazy(() => import('./dashboard/BacktestTabs').then((m) => ({ default: m.RiskTab })));

type DashTab = 'overview' | 'regime' | 'model' | 'features' | 'trades' | 'risk';
const TABS: readonly TabDef<DashTab>[] = [
  { id: 'overview', label: 'Portfolio Overview' },
  { id: 'regime', label: 'Regime State' },
  { id: 'model', label: 'Model Performance' },
  { id: 'features', label: 'Feature Importance' },
  { id: 'trades', label: 'Trade Log' },
  { id: 'risk', label: 'Risk Metrics' },
];

const NO_MODEL = 'No trained model yet — train one in Model Lab';

export default function DashboardPage(): JSX.Element {
  const page = pageById('dashboard');
  const [tab, setTab] = useTab(TABS, 'overview');
  const app = useApp();
  const [refresh, setRefresh] = createSignal(0);
  const [refreshedAt, setRefreshedAt] = createSignal(Date.now());
  // Job events (app.jobs() is fed by backend.onJobEvent) re-read the latest run when a
  // backtest job finishes — no timer polling.
  const finishedBacktests = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'backtest' && j.status === 'succeeded')
      .map((j) => j.id)
      .join(','),
  );
  const [latest, reloadLatest] = createLoader(
    () => ({ k: finishedBacktests(), r: refresh() }),
    () => app.backend.getBacktestResult('latest'),
    'ui.dashboard.backtest',
  );
  const runTime = () => {
    const s = latest();
    const t = s.status === 'ready' && s.value ? Date.parse(s.value.data.computedAt) : Number.NaN;
    return Number.isFinite(t) ? t : null;
  };
  const btState = (emptyMessage: string, detail?: string, primary = false): PanelState => {
    const s = latest();
    if (s.status === 'ready' && s.value === null) return empty(emptyMessage, [{ ...GO_BACKTEST, primary }], detail);
    return fromLoad(s, (v) => v, reloadLatest);
  };

  return (
    <div class="page">
      <PageHeader
        title={page.title}
        subtitle="Performance, regime state, model health and risk of the latest backtest and model"
      >
        <span class="hint mono" data-testid="dash-updated">
          Updated {formatClock(runTime() ?? refreshedAt())}
        </span>
        <button
          type="button"
          class="btn"
          onClick={() => {
            setRefresh((r) => r + 1);
            setRefreshedAt(Date.now());
          }}
        >
          Refresh
        </button>
      </PageHeader>

      <KeyMetrics state={btState(NO_BACKTEST, 'Win rate, returns, Sharpe and drawdown come from a backtest run.', true)} />

      <PricePanel refresh={refresh()} />

      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Dashboard views" idPrefix="dash">
        {(t) => (
          <Switch>
            <Match when={t === 'overview'}>
              <Suspense fallback={<LoadingState label="Loading the portfolio overview" />}>
                <OverviewTab state={btState(NO_BACKTEST, 'Strategy vs benchmark equity appears after a backtest.')} />
              </Suspense>
            </Match>
            <Match when={t === 'regime'}>
              <Suspense fallback={<LoadingState label="Loading the regime view" />}>
                <RegimeStateTab refresh={refresh()} />
              </Suspense>
            </Match>
            <Match when={t === 'model'}>
              <Panel title="Model Health" state={empty(NO_MODEL, [GO_MODEL_LAB], 'Holdout R², IC, IC drift and CV gap come from a trained model version.')} />
              <div class="grid-2">
                <Panel title="Model Health Timeline" state={empty('No model versions recorded', [GO_MODEL_LAB])} />
                <Panel title="Retrain Monitor" state={empty(NO_MODEL, [GO_MODEL_LAB])} />
              </div>
            </Match>
            <Match when={t === 'features'}>
              <div class="grid-2">
                <Panel title="Global Feature Importance (Top 20)" slug="global-feature-importance" state={empty(NO_MODEL, [GO_MODEL_LAB])} />
                <Panel title="Regime Feature Heatmap" state={empty(NO_MODEL, [GO_MODEL_LAB])} />
              </div>
            </Match>
            <Match when={t === 'trades'}>
              <Suspense fallback={<LoadingState label="Loading the trade log" />}>
                <TradeLogTab state={btState('No trades yet — run a backtest')} />
              </Suspense>
            </Match>
            <Match when={t === 'risk'}>
              <Suspense fallback={<LoadingState label="Loading the risk view" />}>
                <RiskTab state={btState(NO_BACKTEST, 'VaR/ES, return distribution and rolling risk come from a backtest run.')} />
              </Suspense>
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
