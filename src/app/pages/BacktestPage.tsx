import { type JSX, Match, Switch } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { Section } from '../components/Section';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { empty, GO_MODEL_LAB, jobAvailable, NO_BACKTEST, notInBuild } from './common';

type BtTab = 'equity' | 'risk' | 'trades';
const TABS: readonly TabDef<BtTab>[] = [
  { id: 'equity', label: 'Equity Curve' },
  { id: 'risk', label: 'Risk Metrics' },
  { id: 'trades', label: 'Trade Analysis' },
];

export default function BacktestPage(): JSX.Element {
  const page = pageById('backtests');
  const [tab, setTab] = useTab(TABS, 'equity');
  const detail = 'A backtest needs stored bars and predictions from a trained model.';
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Configure and run a backtest as a job, then review equity, risk and trades" />
      <Section title="Backtest Configuration">
        <p class="hint" style={{ margin: 0 }}>
          {jobAvailable('backtest')
            ? 'Set horizon, holding period, max positions, entry threshold and position size, then run.'
            : `${notInBuild('Running a backtest', 'backtest')} The Run button appears when it runs the engine with these parameters.`}
        </p>
      </Section>
      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Backtest views" idPrefix="bt">
        {(t) => (
          <Switch>
            <Match when={t === 'equity'}>
              <Panel title="Equity Curve" state={empty(NO_BACKTEST, [GO_MODEL_LAB], detail)} />
              <Panel title="Drawdown" state={empty(NO_BACKTEST, [GO_MODEL_LAB])} />
            </Match>
            <Match when={t === 'risk'}>
              <Panel title="Risk Metrics" state={empty(NO_BACKTEST, [GO_MODEL_LAB], 'Sharpe, Sortino, annual return, max drawdown, win rate, profit factor, average return, trades.')} />
              <div class="grid-2">
                <Panel title="Value at Risk" state={empty(NO_BACKTEST)} />
                <Panel title="Return Distribution" state={empty(NO_BACKTEST)} />
              </div>
              <Panel title="Rolling Risk Metrics" state={empty(NO_BACKTEST)} />
            </Match>
            <Match when={t === 'trades'}>
              <Panel title="Trades" state={empty('No trades yet — run a backtest', [GO_MODEL_LAB], detail)} />
              <Panel title="Performance by Regime" state={empty(NO_BACKTEST)} />
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
