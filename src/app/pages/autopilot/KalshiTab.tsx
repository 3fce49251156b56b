/**
 * Kalshi Events tab (ui-pages §10): event type selector, the current distribution of the
 * newest market of that type (PMF bars + CDF, moments, quality and hard gates, tails), its
 * 5-minute history, the surprise history (realised − market mean), the event walk-forward's
 * accuracy and the market-vs-model disagreement. Everything comes from stored Kalshi records
 * (imported files, the proxy, or — in demo mode — the labelled demo set); with none, the tab
 * says what to import or connect.
 */
import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from 'solid-js';
import type { KalshiEventTypeSummary } from '../../../workers/kalshi/backend-ops';
import type { StoredKalshiView } from '../../../workers/kalshi/views';
import { LineChart } from '../../components/charts/LineChart';
import { JobMonitor } from '../../components/JobMonitor';
import { BarChart } from '../../components/kalshi/BarChart';
import { day, fx, pct } from '../../components/kalshi/format';
import { KalshiImport } from '../../components/kalshi/KalshiImport';
import { PmfChart } from '../../components/kalshi/PmfChart';
import '../../components/kalshi/kalshi.css';
import { KpiCard } from '../../components/KpiCard';
import { Panel, type PanelState } from '../../components/Panel';
import { Section } from '../../components/Section';
import { useApp } from '../../state/app';
import { createLoader } from '../../state/loader';

const STANDARD_TYPES = ['CPI', 'FOMC', 'NFP', 'GDP'];
const KALSHI_JOBS = new Set(['kalshi_import', 'kalshi_fetch']);
const NO_DATA = 'No Kalshi event data stored — import markets, quotes and outcomes files above, or fetch an event through the proxy';
const NO_DATA_DETAIL =
  'Markets file: market_id, event_id, event_type, contract_id with bin_low/bin_high or threshold_value (+ direction); quotes: contract_id, ts, bid, ask (or mid/last); outcomes: event_id, realized_value, release_ts, asof_ts, source, learned_at_ts.';

export function KalshiTab(): JSX.Element {
  const app = useApp();
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<string | null>(null);
  const [reloads, setReloads] = createSignal(0);
  // Bumps when a Kalshi job finishes, so types and views reload.
  const version = createMemo(
    () =>
      `${reloads()}|${app
        .jobs()
        .filter((j) => KALSHI_JOBS.has(j.type) && j.status === 'succeeded')
        .map((j) => j.id)
        .join(',')}`,
  );
  const [types, reloadTypes] = createLoader(version, () => app.backend.listKalshiEventTypes(), 'ui.kalshi.types');
  const stored = (): KalshiEventTypeSummary[] => {
    const t = types();
    return t.status === 'ready' ? t.value : [];
  };
  const options = createMemo(() => [...new Set([...stored().map((s) => s.event_type), ...STANDARD_TYPES])]);
  // Default: the first stored type (CPI first when present); the user's choice sticks.
  createEffect(
    on(stored, (s) => {
      const cur = selected();
      if (cur !== null && s.some((x) => x.event_type === cur)) return;
      if (s.length > 0) setSelected(s.find((x) => x.event_type === 'CPI')?.event_type ?? s[0].event_type);
      else if (cur === null) setSelected('CPI');
    }),
  );
  const [view, reloadView] = createLoader(
    () => (selected() ? { t: selected() as string, v: version() } : null),
    ({ t }) => app.backend.getKalshiView(t),
    'ui.kalshi.view',
  );
  const state = (pick?: (v: StoredKalshiView) => string | null): PanelState => {
    const t = types();
    if (t.status === 'error') return { kind: 'error', message: t.message, traceId: t.traceId, retry: reloadTypes };
    const s = view();
    if (s.status === 'error') return { kind: 'error', message: s.message, traceId: s.traceId, retry: reloadView };
    if (s.status !== 'ready' || t.status !== 'ready') return { kind: 'loading' };
    if (s.value === null) {
      if (stored().length === 0) return { kind: 'empty', message: NO_DATA, detail: NO_DATA_DETAIL };
      return { kind: 'empty', message: `No ${selected()} markets stored (stored types: ${stored().map((x) => x.event_type).join(', ')})` };
    }
    const why = pick?.(s.value.data);
    if (why) return { kind: 'empty', message: why };
    return { kind: 'ready', envelope: s.value };
  };

  return (
    <div data-testid="kalshi-tab">
      <Section title="Kalshi data">
        <KalshiImport onJob={setJobId} />
        <Show when={jobId()}>{(id) => <JobMonitor jobId={id()} />}</Show>
      </Section>
      <div class="kx-controls" style={{ margin: '0.75rem 0' }}>
        <label>
          Event type
          <select data-testid="kalshi-event-type" value={selected() ?? ''} onChange={(e) => setSelected(e.currentTarget.value)}>
            <For each={options()}>
              {(t) => {
                const s = () => stored().find((x) => x.event_type === t);
                return <option value={t}>{s() ? `${t} (${s()?.events} events)` : `${t} (no data)`}</option>;
              }}
            </For>
          </select>
        </label>
        <button type="button" class="btn" data-testid="kalshi-load" onClick={() => setReloads((n) => n + 1)}>
          Load Events
        </button>
      </div>

      <Panel<StoredKalshiView> title="Current Distribution" state={state((d) => (d.view.current ? null : `No ${d.view.event_type} market has quotes yet — import a quotes file`))}>
        {(d) => <CurrentDistribution data={d()} />}
      </Panel>
      <div class="grid-2">
        <Panel<StoredKalshiView> title="Distribution History" state={state((d) => (d.view.current && d.view.current.history.ts.length > 1 ? null : 'Fewer than two 5-minute snapshots of the current market'))}>
          {(d) => {
            const h = () => d().view.current?.history ?? { ts: [], mean: [], quality: [], entropy: [] };
            return (
              <LineChart
                title="Market mean"
                x={Float64Array.from(h().ts, (t) => Date.parse(t))}
                series={[{ label: 'mean', y: Float64Array.from(h().mean, (v) => v ?? Number.NaN), color: '#58a6ff' }]}
                height={200}
                formatY={(v) => v.toFixed(3)}
              />
            );
          }}
        </Panel>
        <Panel<StoredKalshiView> title="Surprise History" state={state((d) => (d.view.events.some((e) => e.surprise !== null) ? null : 'No event has both an outcome and a valid market mean yet — import event outcomes'))}>
          {(d) => (
            <>
              <BarChart
                label="Realised minus market-expected value per event"
                testid="kalshi-surprise"
                bars={d().view.events.map((e) => ({ label: day(e.release_ts), value: e.surprise, title: `${e.event_id}: realised ${fx(e.realized_value)} − expected ${fx(e.expected_value)} = ${fx(e.surprise)}` }))}
                format={(v) => v.toFixed(2)}
              />
              <p class="hint">Realised (first print) − market mean at the last snapshot before release (purge window respected).</p>
            </>
          )}
        </Panel>
      </div>
      <div class="grid-2">
        <Panel<StoredKalshiView> title="Walk-Forward Accuracy" state={state()}>
          {(d) => <WalkForward data={d()} />}
        </Panel>
        <Panel<StoredKalshiView> title="Market vs Model Disagreement" state={state((d) => (d.view.disagreement.length > 0 ? null : d.view.walkforward.reason ?? 'No out-of-sample predictions yet'))}>
          {(d) => (
            <>
              <BarChart
                label="Model minus market mean per test event"
                testid="kalshi-disagreement"
                bars={d().view.disagreement.map((r) => ({ label: day(r.release_ts), value: r.gap, title: `${r.event_id}: market ${fx(r.market_mean)}, model ${fx(r.model_mean)}, realised ${fx(r.realized_value)}` }))}
                format={(v) => v.toFixed(2)}
              />
              <p class="hint">Model mean = market mean + the walk-forward ridge's out-of-sample surprise prediction.</p>
            </>
          )}
        </Panel>
      </div>
    </div>
  );
}

function CurrentDistribution(props: { data: StoredKalshiView }): JSX.Element {
  const c = () => props.data.view.current;
  const s = () => c()?.snapshot ?? {};
  const n = (k: string) => {
    const v = s()[k];
    return typeof v === 'number' ? v : null;
  };
  const flags = () => (Array.isArray(s().quality_flags) ? (s().quality_flags as string[]) : []);
  const gated = () => n('hard_gate_failed') === 1;
  return (
    <div data-testid="kalshi-current">
      <p class="hint" style={{ margin: '0 0 0.5rem' }}>
        <code>{c()?.market_id}</code> · {c()?.title} · as of {c()?.asof} · release {day(c()?.release_ts)} · {String(s().kind)} market
        {s().direction_resolved ? ` · direction ${String(s().direction_resolved)} (${String(s().direction_source)}, ${String(s().direction_confidence)} confidence)` : ''}
      </p>
      <div class="kpi-grid">
        <KpiCard label="Mean" value={n('mean') === null ? null : fx(n('mean'))} subtitle={gated() ? 'hard gate failed' : 'market-implied'} testid="kalshi-mean" />
        <KpiCard label="Std dev" value={n('var') === null ? null : fx(Math.sqrt(n('var') as number))} />
        <KpiCard label="Skew" value={n('skew') === null ? null : fx(n('skew'))} />
        <KpiCard label="Entropy" value={n('entropy') === null ? null : fx(n('entropy'))} subtitle="nats" />
        <KpiCard label="Quality" value={fx(n('quality_score'), 2)} subtitle={`coverage ${pct(n('coverage_ratio'), 0)}`} testid="kalshi-quality" />
        <KpiCard label="Median spread" value={pct(n('median_spread'))} subtitle={`quote age ${fx(n('median_quote_age_seconds'), 0)} s (cutoff ${fx(n('stale_cutoff_minutes'), 1)} min)`} />
      </div>
      <ul class="kx-flags" data-testid="kalshi-gates">
        <li class="kx-flag" data-kind={gated() ? 'gate' : 'ok'}>
          {gated() ? 'Hard gates failed — moments withheld' : 'Hard gates passed (coverage ≥ 80%, quotes fresh, spread < 25%)'}
        </li>
        <For each={flags()}>{(f) => <li class="kx-flag" data-kind={f.startsWith('gate_') ? 'gate' : 'soft'}>{f}</li>}</For>
      </ul>
      <PmfChart buckets={c()?.buckets ?? []} />
      <table class="kx-table" data-testid="kalshi-tails">
        <thead>
          <tr>
            <th>Tail</th>
            <th>Threshold</th>
            <th>P(X ≥ k)</th>
          </tr>
        </thead>
        <tbody>
          <For each={[1, 2, 3]}>
            {(k) => (
              <tr>
                <td>tail {k}</td>
                <td>{fx(n(`tail_threshold_${k}`), 2)}</td>
                <td>{pct(n(`tail_p_${k}`))}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <p class="hint">
        Monotone repair: {n('monotonic_violations_pre') ?? 0} violation(s) before repair (magnitude {fx(n('monotonic_violation_magnitude'))}, isotonic L1 {fx(n('isotonic_l1'))}); renormalised by{' '}
        {fx(n('renorm_delta'))}; missing mass {pct(n('mass_missing_estimate'))}. Distance to 1 day earlier: JS {fx(n('distance_js_1d'), 4)}, Wasserstein {fx(n('distance_wasserstein_1d'), 4)}.
      </p>
    </div>
  );
}

function WalkForward(props: { data: StoredKalshiView }): JSX.Element {
  const wf = () => props.data.view.walkforward;
  return (
    <div data-testid="kalshi-walkforward">
      <div class="kpi-grid">
        <KpiCard label="Hit rate (OOS)" value={wf().hit_rate === null ? null : pct(wf().hit_rate)} subtitle={`${wf().folds.length} folds · ${wf().n_labelled} labelled events`} testid="kalshi-wf-hit" />
        <KpiCard label="OOS corr" value={wf().wf_oos_corr === null ? null : fx(wf().wf_oos_corr)} subtitle={`IS−OOS gap ${fx(wf().wf_is_oos_gap)}`} />
        <KpiCard label="Positive folds" value={wf().wf_positive_fold_fraction === null ? null : pct(wf().wf_positive_fold_fraction, 0)} subtitle={`worst event ${fx(wf().worst_event_loss)}`} />
        <KpiCard label="Sharpe (OOS events)" value={wf().contract.sharpe === null ? null : fx(wf().contract.sharpe, 2)} subtitle={`DSR ${fx(wf().contract.dsr, 2)} over ${wf().n_trials_total} trials`} />
        <KpiCard label="Mean return 95% CI" value={wf().contract.bootstrap_mean_lo === null ? null : `${fx(wf().contract.bootstrap_mean_lo)} … ${fx(wf().contract.bootstrap_mean_hi)}`} subtitle="bootstrap, 500 draws (seeded)" />
      </div>
      <Show when={wf().folds.length > 0} fallback={<p class="hint" data-testid="kalshi-wf-reason">{wf().reason}</p>}>
        <BarChart
          label="Directional accuracy per walk-forward fold"
          testid="kalshi-wf-folds"
          domain={[0, 1]}
          bars={wf().folds.map((f) => ({ label: day(f.test_start), value: f.hit_rate, title: `fold ${f.fold}: ${pct(f.hit_rate)} over ${f.test_events} events (train ${f.train_events}, purge ${f.purge_days} d, alpha ${f.alpha})` }))}
          format={(v) => `${(v * 100).toFixed(0)}%`}
        />
      </Show>
      <For each={wf().skipped}>{(s) => <p class="hint">Skipped: {s}</p>}</For>
      <Show when={wf().promotion ?? null}>
        {(p) => (
          <div data-testid="kalshi-promotion" data-passed={String(p().passed)}>
            <h3>
              Event promotion gate{' '}
              <span class="ap-chip" data-passed={String(p().passed)}>
                {p().passed ? 'PASS' : 'FAIL'}
              </span>
            </h3>
            <p class="hint">
              {p().n_events} out-of-sample events · total {fx(p().total_return)} · CAGR {fx(p().cagr)} · Sharpe {fx(p().sharpe, 2)} · profit factor{' '}
              {fx(p().profit_factor, 2)} · max drawdown {fx(p().max_drawdown)} · DSR p {fx(p().dsr_p_value)} · bootstrap p {fx(p().bootstrap_p_value)} · surprise hit{' '}
              {p().surprise_hit_rate === null ? '—' : pct(p().surprise_hit_rate)}
            </p>
            <Show when={p().reasons.length > 0}>
              <ul data-testid="kalshi-promotion-reasons">
                <For each={p().reasons}>{(r) => <li><code>{r}</code></li>}</For>
              </ul>
            </Show>
          </div>
        )}
      </Show>
    </div>
  );
}
