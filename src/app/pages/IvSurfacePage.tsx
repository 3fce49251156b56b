import { type JSX, Match, Switch } from 'solid-js';
import { PageHeader } from '../components/PageHeader';
import { Panel } from '../components/Panel';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { empty } from './common';

type IvTab = 'svi' | 'heston' | 'arb';
const TABS: readonly TabDef<IvTab>[] = [
  { id: 'svi', label: 'SVI Surface' },
  { id: 'heston', label: 'Heston Surface' },
  { id: 'arb', label: 'Arb-Aware SVI' },
];

const NOT_BUILT = (model: string) =>
  `The ${model} engine is not in this build yet, so there is no surface to show. Surfaces are computed from model parameters in a worker once it lands.`;

export default function IvSurfacePage(): JSX.Element {
  const page = pageById('ivSurface');
  const [tab, setTab] = useTab(TABS, 'svi');
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Implied-volatility modelling: parametric SVI, Heston and arbitrage-aware SVI fitting" />
      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="IV Surface models" idPrefix="iv">
        {(t) => (
          <Switch>
            <Match when={t === 'svi'}>
              <div class="grid-2">
                <Panel title="SVI Implied Volatility Surface" state={empty(NOT_BUILT('SVI'))} />
                <Panel title="SVI Smile Curves by Expiry" state={empty(NOT_BUILT('SVI'))} />
              </div>
            </Match>
            <Match when={t === 'heston'}>
              <div class="grid-2">
                <Panel title="Heston Implied Volatility Surface" state={empty(NOT_BUILT('Heston'))} />
                <Panel title="Heston Smile Curves by Expiry" state={empty(NOT_BUILT('Heston'))} />
              </div>
            </Match>
            <Match when={t === 'arb'}>
              <div class="grid-2">
                <Panel title="Raw SVI Surface" state={empty(NOT_BUILT('arbitrage-aware SVI'))} />
                <Panel title="Arb-Free SVI Surface" state={empty(NOT_BUILT('arbitrage-aware SVI'))} />
              </div>
              <Panel title="Smile Comparison" state={empty(NOT_BUILT('arbitrage-aware SVI'))} />
            </Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
