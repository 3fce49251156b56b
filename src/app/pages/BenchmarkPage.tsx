import type { JSX } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { pageById } from '../pages';
import { empty, GO_BACKTEST, GO_DATA } from './common';

const NEEDS = 'Needs a backtest result and a benchmark (SPY) dataset — neither is recorded yet';

export default function BenchmarkPage(): JSX.Element {
  const page = pageById('benchmark');
  const actions = [GO_BACKTEST, GO_DATA];
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Strategy vs benchmark performance analysis" />
      <Panel
        title="Comparison Metrics"
        state={empty(NEEDS, actions, 'Strategy and S&P return, alpha, beta, correlation, tracking error, information ratio, drawdowns.')}
      />
      <Panel title="Equity Comparison" state={empty(NEEDS, actions)} />
      <div class="grid-2">
        <Panel title="Rolling 60D Correlation" slug="rolling-correlation" state={empty(NEEDS)} />
        <Panel title="Rolling 60D Alpha & Beta" slug="rolling-alpha-beta" state={empty(NEEDS)} />
        <Panel title="Relative Strength" state={empty(NEEDS)} />
        <Panel title="Drawdown Comparison" state={empty(NEEDS)} />
      </div>
    </div>
  );
}
