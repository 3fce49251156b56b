import { type JSX, Match, Switch } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { Section } from '../components/Section';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { empty, GO_MODEL_LAB, jobAvailable, notInBuild } from './common';

type ApTab = 'candidates' | 'paper' | 'pnl' | 'kalshi' | 'lifecycle';
const TABS: readonly TabDef<ApTab>[] = [
  { id: 'candidates', label: 'Strategy Candidates' },
  { id: 'paper', label: 'Paper Trading' },
  { id: 'pnl', label: 'Live P&L' },
  { id: 'kalshi', label: 'Kalshi Events' },
  { id: 'lifecycle', label: 'Lifecycle' },
];

const NO_CYCLES = 'No autopilot cycles have been run';
const NO_PAPER = 'Paper trading data is not currently available';

export default function AutopilotPage(): JSX.Element {
  const page = pageById('autopilot');
  const app = useApp();
  const [tab, setTab] = useTab(TABS, 'candidates');
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Automated strategy lifecycle management" />
      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Autopilot views" idPrefix="ap">
        {(t) => (
          <Switch>
            <Match when={t === 'candidates'}>
              <Section title="Discovery Cycle">
                <p class="hint" style={{ margin: 0 }}>
                  {jobAvailable('autopilot_cycle') ? 'Run a discovery cycle.' : notInBuild('A discovery cycle', 'autopilot_cycle')}
                </p>
              </Section>
              <div class="grid-2">
                <Panel title="Promotion Funnel" state={empty(NO_CYCLES, [GO_MODEL_LAB], 'Counts come from the strategy registry, never hard-coded.')} />
                <Panel title="Top Strategy Decisions" state={empty(NO_CYCLES, [GO_MODEL_LAB])} />
              </div>
            </Match>
            <Match when={t === 'paper'}>
              <Panel title="Paper Account" state={empty(NO_PAPER, undefined, 'Paper trading starts when a strategy is promoted by an autopilot cycle.')} />
              <Panel title="Open Positions" state={empty(NO_PAPER)} />
            </Match>
            <Match when={t === 'pnl'}>
              <Panel title="Live P&L" slug="live-pnl" state={empty(NO_PAPER, undefined, 'The equity curve is computed from paper trades and marks.')} />
              <Panel title="Position P&L" slug="position-pnl" state={empty(NO_PAPER)} />
            </Match>
            <Match when={t === 'kalshi'}>
              <Panel
                title="Kalshi Event Distributions"
                state={empty(
                  'No Kalshi event data stored — it needs the proxy (Kalshi public API) or imported event files',
                  [{ label: 'Connect the proxy (Settings)', onClick: () => app.ui.setSettingsOpen(true) }],
                  'Never demo data: CPI, FOMC, NFP and GDP distributions appear only from real sources.',
                )}
              />
            </Match>
            <Match when={t === 'lifecycle'}>
              <Panel title="Latest Cycle Summary" state={empty(NO_CYCLES)} />
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
