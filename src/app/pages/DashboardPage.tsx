import { createSignal, type JSX, lazy, Match, Suspense, Switch } from 'solid-js';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { formatClock } from '../lib/format';
import { pageById } from '../pages';
import { empty, GO_BACKTEST, GO_MODEL_LAB, NO_BACKTEST } from './common';
import { PricePanel } from './dashboard/PricePanel';

/** Its own chunk: the research charts load only when the Regime State tab opens. */
const RegimeStateTab = lazy(() => import('./dashboard/RegimeStateTab'));

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
  const [refresh, setRefresh] = createSignal(0);
  const [refreshedAt, setRefreshedAt] = createSignal(Date.now());

  return (
    <div class="page">
      <PageHeader
        title={page.title}
        subtitle="Performance, regime state, model health and risk of the latest backtest and model"
      >
        <span class="hint mono">Updated {formatClock(refreshedAt())}</span>
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

      <Panel title="Key Metrics" state={empty(NO_BACKTEST, [{ ...GO_BACKTEST, primary: true }], 'Win rate, returns, Sharpe, drawdown and model staleness come from a backtest run.')} />

      <PricePanel refresh={refresh()} />

      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Dashboard views" idPrefix="dash">
        {(t) => (
          <Switch>
            <Match when={t === 'overview'}>
              <Panel title="Equity Curve" state={empty(NO_BACKTEST, [GO_BACKTEST], 'Strategy vs SPY growth of $1 appears after a backtest.')} />
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
              <Panel title="Trade Log" state={empty('No trades yet — run a backtest', [GO_BACKTEST])} />
            </Match>
            <Match when={t === 'risk'}>
              <div class="grid-2">
                <Panel title="Return Distribution" state={empty(NO_BACKTEST, [GO_BACKTEST])} />
                <Panel title="Rolling Risk Metrics" state={empty(NO_BACKTEST, [GO_BACKTEST])} />
                <Panel title="Drawdown" state={empty(NO_BACKTEST, [GO_BACKTEST])} />
                <Panel title="Risk Summary" state={empty(NO_BACKTEST, [GO_BACKTEST])} />
              </div>
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
