/**
 * IV Surface lab (ui-pages §7): SVI, Heston and arbitrage-aware SVI tabs on model surfaces,
 * plus a Market tab once an option chain is stored. Tab and chain are in the URL
 * (`?tab=market&chain=SPY|2024-03-15`). Plotly (3-D) is loaded by the surface charts only.
 */
import { useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, type JSX, Match, Show, Switch } from 'solid-js';
import { ErrorPanel } from '../components/ErrorPanel';
import { ChainImport } from '../components/iv/ChainImport';
import '../components/iv/iv.css';
import { PageHeader } from '../components/PageHeader';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import IvSurfaceArbTab from './IvSurfaceArbTab';
import IvSurfaceHestonTab from './IvSurfaceHestonTab';
import IvSurfaceMarketTab from './IvSurfaceMarketTab';
import IvSurfaceSviTab from './IvSurfaceSviTab';

type IvTab = 'svi' | 'heston' | 'arb' | 'market';
const MODEL_TABS: readonly TabDef<IvTab>[] = [
  { id: 'svi', label: 'SVI Surface' },
  { id: 'heston', label: 'Heston Surface' },
  { id: 'arb', label: 'Arb-Aware SVI' },
];
const ALL_TABS: readonly TabDef<IvTab>[] = [...MODEL_TABS, { id: 'market', label: 'Market' }];

export default function IvSurfacePage(): JSX.Element {
  const page = pageById('ivSurface');
  const app = useApp();
  const [tab, setTab] = useTab(ALL_TABS, 'svi');
  const [search, setSearch] = useSearchParams<{ chain?: string }>();
  const [chainsVersion, setChainsVersion] = createSignal(0);
  const [chains, reloadChains] = createLoader(() => ({ v: chainsVersion() }), () => app.backend.listOptionChains(), 'ui.ivSurface.chains');
  const list = () => {
    const c = chains();
    return c.status === 'ready' ? c.value : [];
  };
  /** The chain in the URL if it is stored, else the newest stored chain. */
  const selected = createMemo(() => {
    const l = list();
    const want = search.chain;
    return (want && l.some((c) => c.id === want) ? want : l[0]?.id) ?? null;
  });
  const tabs = () => (list().length > 0 ? ALL_TABS : MODEL_TABS);
  const current = (): IvTab => (tab() === 'market' && !selected() ? 'svi' : tab());

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Implied-volatility modelling: parametric SVI, Heston and arbitrage-aware SVI fitting" />
      <Show when={chains().status === 'error'}>
        <ErrorPanel
          title="Stored option chains unreadable"
          message={(() => {
            const c = chains();
            return c.status === 'error' ? c.message : '';
          })()}
          traceId={(() => {
            const c = chains();
            return c.status === 'error' ? c.traceId : undefined;
          })()}
          retry={reloadChains}
        />
      </Show>
      <ChainImport
        chains={list()}
        selected={selected()}
        onSelect={(id) => setSearch({ chain: id }, { replace: true })}
        onImported={(ids) => {
          setChainsVersion((v) => v + 1);
          if (ids.length > 0) setSearch({ chain: ids[0], tab: 'market' }, { replace: true });
        }}
        onDeleted={() => {
          setChainsVersion((v) => v + 1);
          setSearch({ chain: undefined }, { replace: true });
        }}
      />
      <Tabs tabs={tabs()} value={current()} onChange={setTab} label="IV Surface models" idPrefix="iv">
        {(t) => (
          <Switch>
            <Match when={t === 'svi'}>
              <IvSurfaceSviTab />
            </Match>
            <Match when={t === 'heston'}>
              <IvSurfaceHestonTab />
            </Match>
            <Match when={t === 'arb'}>
              <IvSurfaceArbTab />
            </Match>
            <Match when={t === 'market' && selected()}>{(id) => <IvSurfaceMarketTab chainId={id()} />}</Match>
          </Switch>
        )}
      </Tabs>
    </div>
  );
}
