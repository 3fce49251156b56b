import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { Bars, DatasetMeta } from '../../../engine/contracts';
import { DEMO_BENCHMARK } from '../../../engine/data/synthetic';
import { LineChart } from '../../components/charts/LineChart';
import { Panel, type PanelState } from '../../components/Panel';
import { exportFileName } from '../../lib/csv';
import { errorMessage } from '../../lib/trace';
import { useApp } from '../../state/app';
import { createLoader } from '../../state/loader';
import { GO_DATA, empty } from '../common';

/** Benchmark tickers in order of preference; the demo universe's benchmark is BENCH. */
const BENCHMARKS = ['SPY', '^GSPC', 'SPX', DEMO_BENCHMARK];

/** Default dataset: the benchmark (daily first), else the first daily dataset, else the first. */
export function defaultDataset(list: readonly DatasetMeta[]): string | null {
  if (list.length === 0) return null;
  for (const b of BENCHMARKS) {
    const hit = list.find((d) => d.ticker === b && d.timeframe === '1d') ?? list.find((d) => d.ticker === b);
    if (hit) return hit.id;
  }
  return (list.find((d) => d.timeframe === '1d') ?? list[0]).id;
}

/** Close price of one stored dataset, with the dataset's own provenance (DEMO for demo data). */
export function PricePanel(props: { refresh: number }): JSX.Element {
  const app = useApp();
  const [demoError, setDemoError] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<string | null>(null);

  const [datasets, reloadDatasets] = createLoader(
    () => ({ v: app.datasetsVersion(), r: props.refresh }),
    () => app.backend.listDatasets(),
    'ui.dashboard.price',
  );
  const list = () => {
    const s = datasets();
    return s.status === 'ready' ? s.value : [];
  };
  const current = createMemo(() => {
    const sel = selected();
    if (sel && list().some((d) => d.id === sel)) return sel;
    return defaultDataset(list());
  });
  const [bars, reloadBars] = createLoader(
    () => {
      const id = current();
      return id ? { id, r: props.refresh, v: app.datasetsVersion() } : null;
    },
    (s) => app.backend.loadBars(s.id),
    'ui.dashboard.price',
  );

  const loadJob = () => app.jobs().find((j) => j.type === 'data_load');

  const state = (): PanelState => {
    const d = datasets();
    if (d.status === 'error') return { kind: 'error', message: `Could not list datasets: ${d.message}`, traceId: d.traceId, retry: reloadDatasets };
    if (d.status !== 'ready') return { kind: 'loading' };
    if (d.value.length === 0) {
      const job = loadJob();
      if (job && (job.status === 'queued' || job.status === 'running')) {
        return { kind: 'loading', label: `Loading data (${job.type} job ${job.status})…` };
      }
      if (job && job.status === 'failed') {
        return {
          kind: 'error',
          title: 'Loading data failed',
          message: `The last data_load job failed: ${job.error ?? 'no error message recorded'}`,
          traceId: job.traceId,
          retry: () => void loadDemo(),
        };
      }
      return empty(
        'No market data yet',
        [
          { ...GO_DATA, label: 'Import files', href: '/data-explorer?focus=import', primary: true },
          { label: 'Load demo dataset', onClick: () => void loadDemo(), testid: 'price-load-demo' },
        ],
        demoError() ?? 'Import CSV/Parquet bars, connect the proxy, or load the synthetic demo dataset (labelled DEMO).',
      );
    }
    const b = bars();
    if (b.status === 'error') return { kind: 'error', message: `Could not load ${current()}: ${b.message}`, traceId: b.traceId, retry: reloadBars };
    if (b.status !== 'ready') return { kind: 'loading' };
    return { kind: 'ready', envelope: b.value };
  };

  const loadDemo = async () => {
    setDemoError(null);
    try {
      await app.loadDemo();
    } catch (e) {
      const trace = app.reportError('ui.dashboard.price', e, { action: 'loadDemo' });
      setDemoError(`Loading the demo dataset failed: ${errorMessage(e)} (trace ${trace})`);
    }
  };

  const tools = (
    <Show when={list().length > 0}>
      <label class="field-row">
        <span class="sr-only">Dataset</span>
        <select
          class="select"
          data-testid="price-dataset"
          value={current() ?? ''}
          onChange={(e) => setSelected(e.currentTarget.value)}
        >
          <For each={list()}>
            {(d) => (
              <option value={d.id}>
                {d.ticker} · {d.timeframe}
                {d.origin === 'demo' ? ' (demo)' : ''}
              </option>
            )}
          </For>
        </select>
      </label>
    </Show>
  );

  return (
    <Panel<{ meta: DatasetMeta; bars: Bars }> title="Price" state={state()} tools={tools}>
      {(data) => (
        <Show when={data()} keyed>
          {(d) =>
            d.bars.ts.length === 0 ? (
              <p class="hint">{d.meta.id} has no bars.</p>
            ) : (
              <LineChart
                title={`${d.meta.ticker} ${d.meta.timeframe} close`}
                x={d.bars.ts}
                series={[{ label: `${d.meta.ticker} close`, y: d.bars.close, color: '#58a6ff' }]}
                yLabel="Close"
                height={340}
                formatX={(ms) =>
                  d.meta.timeframe === '1d' ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
                }
                csvName={exportFileName('dashboard', d.meta.id, new Date())}
              />
            )
          }
        </Show>
      )}
    </Panel>
  );
}
