/**
 * Market tab: one stored option chain — quotes as points with the SVI slice fitted at import
 * per expiry, butterfly and calendar flags per slice, the calendar-repaired surface, a Heston
 * calibration (an `iv_heston_calibrate` job) with its parameters, error and Feller report, and
 * every quote that gave no implied vol with its code.
 */
import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from 'solid-js';
import type { Envelope } from '../../engine/contracts';
import type { ChainSliceReport, StoredOptionChain } from '../../storage/option-chains';
import type { HestonCalibrationResult } from '../../workers/api';
import { chainInputKey } from '../../workers/iv/results';
import { Surface3d } from '../components/charts/Surface3d';
import { ErrorPanel } from '../components/ErrorPanel';
import { JobMonitor } from '../components/JobMonitor';
import { KpiCard } from '../components/KpiCard';
import { FailureTable } from '../components/iv/FailureTable';
import { COLOURS } from '../components/iv/presets';
import { SmileChart, type SmileSeries } from '../components/iv/SmileChart';
import { Panel, type PanelState } from '../components/Panel';
import { exportFileName, toCsv } from '../lib/csv';
import { isActive } from '../lib/jobs';
import { errorMessage } from '../lib/trace';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { CHAIN_ROW_CODES, PRICE_SOURCES } from '../../storage/option-chains';

const CAL_LIMIT = 1e-4;
const sci = (v: number) => (v === 0 ? '0' : v.toExponential(2));
const fx = (v: number | null | undefined, d = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

function butterflyText(s: ChainSliceReport): string {
  if (s.butterflyRanges.length === 0) return 'Butterfly OK';
  return `Butterfly g<0 on K/F ${s.butterflyRanges.map(([a, b]) => (a === b ? a.toFixed(3) : `${a.toFixed(3)}–${b.toFixed(3)}`)).join(', ')}`;
}

function calendarText(s: ChainSliceReport, first: boolean): string {
  if (first) return 'Calendar — (first expiry)';
  return s.calendarPoints === 0 ? 'Calendar OK' : `Calendar violation ${sci(s.calendarViolation)} at ${s.calendarPoints} pts (repaired)`;
}

function Flag(props: { ok: boolean; warn?: boolean; text: string; testid?: string }): JSX.Element {
  return (
    <span class={`iv-flag ${props.ok ? 'ok' : props.warn ? 'warn' : 'bad'}`} data-testid={props.testid}>
      {props.text}
    </span>
  );
}

export default function IvSurfaceMarketTab(props: { chainId: string }): JSX.Element {
  const app = useApp();
  const [chain, reloadChain] = createLoader(() => props.chainId, (id) => app.backend.getOptionChain(id), 'ui.ivSurface.market');
  const [calVersion, setCalVersion] = createSignal(0);
  const [calibration] = createLoader(
    () => ({ id: props.chainId, v: calVersion() }),
    ({ id }) => app.backend.getHestonCalibration(id),
    'ui.ivSurface.calibration',
  );
  const [calJobId, setCalJobId] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  const calJob = () => {
    const id = calJobId();
    const mine = id ? app.job(id) : undefined;
    if (mine) return mine;
    return app.jobs().find((j) => j.type === 'iv_heston_calibrate' && j.manifest.params.chainId === props.chainId);
  };
  createEffect(
    on(
      () => calJob()?.status,
      (s, prev) => {
        if (s === 'succeeded' && prev !== undefined && prev !== 'succeeded') setCalVersion((v) => v + 1);
      },
    ),
  );

  const env = () => {
    const c = chain();
    return c.status === 'ready' ? c.value : null;
  };
  const chainState = (): PanelState => {
    const c = chain();
    if (c.status === 'error') return { kind: 'error', message: `Could not read chain ${props.chainId}: ${c.message}`, traceId: c.traceId, retry: reloadChain };
    if (c.status !== 'ready') return { kind: 'loading' };
    return { kind: 'ready', envelope: c.value };
  };
  const fitState = (): PanelState => {
    const e = env();
    if (e && !e.data.fit) return { kind: 'empty', message: 'No SVI surface: no quote of this chain gave an implied vol (see Failed Quotes).' };
    return chainState();
  };
  const cal = (): Envelope<HestonCalibrationResult> | null => {
    const c = calibration();
    return c.status === 'ready' ? c.value : null;
  };
  const calibrate = async () => {
    const e = env();
    if (!e) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const rec = await app.submitJob({
        type: 'iv_heston_calibrate',
        params: { chainId: e.data.id },
        inputs: [{ key: chainInputKey(e.data.id), checksum: e.data.checksum }],
      });
      setCalJobId(rec.id);
    } catch (err) {
      setSubmitError({ message: errorMessage(err), traceId: app.reportError('ui.ivSurface.calibrate', err) });
    } finally {
      setSubmitting(false);
    }
  };
  const calState = (): PanelState => {
    const j = calJob();
    if (j && isActive(j)) return { kind: 'loading', label: `${Math.round(j.progress * 100)} % — ${j.stage || 'queued'}` };
    const c = calibration();
    if (c.status === 'error') return { kind: 'error', message: c.message, traceId: c.traceId };
    if (c.status !== 'ready') return { kind: 'loading' };
    if (c.value === null) {
      if (j?.status === 'failed') return { kind: 'error', title: 'Heston calibration failed', message: j.error ?? 'no error message', traceId: j.traceId };
      return {
        kind: 'empty',
        message: 'Not calibrated yet — fit the Heston model to this chain (a background job).',
        actions: [{ label: 'Calibrate Heston', onClick: () => void calibrate(), primary: true, testid: 'heston-calibrate-empty' }],
      };
    }
    return { kind: 'ready', envelope: c.value };
  };

  /** Used (fitted) quotes per expiry: moneyness K/S and IV %. */
  const marketBySlice = createMemo(() => {
    const e = env();
    const out = new Map<number, { x: number[]; y: number[] }>();
    if (!e) return out;
    const q = e.data.quotes;
    for (let i = 0; i < e.data.rows; i++) {
      if (q.used[i] !== 1) continue;
      const slot = out.get(q.T[i]) ?? { x: [], y: [] };
      slot.x.push(q.strike[i] / e.data.spot);
      slot.y.push(q.iv[i] * 100);
      out.set(q.T[i], slot);
    }
    return out;
  });
  const sliceSeries = (c: StoredOptionChain, e: number): SmileSeries[] => {
    const fit = c.fit;
    if (!fit) return [];
    const s = fit.slices[e];
    const m = marketBySlice().get(s.T) ?? { x: [], y: [] };
    const series: SmileSeries[] = [
      { label: 'Market (OTM mid)', x: m.x, y: m.y, color: COLOURS.market, kind: 'points' },
      { label: 'SVI fit', x: fit.moneyness, y: fit.rawIv[e].map((v) => (Number.isFinite(v) ? v : null)), color: COLOURS.raw, kind: 'line' },
      { label: 'Arb-free', x: fit.moneyness, y: fit.adjIv[e].map((v) => (Number.isFinite(v) ? v : null)), color: COLOURS.arbFree, kind: 'line', dash: [4, 3] },
    ];
    const h = cal()?.data.surface;
    const hy = h?.smiles[s.expiry];
    if (h && hy) series.push({ label: 'Heston fit', x: h.moneyness, y: hy, color: COLOURS.heston, kind: 'line', dash: [2, 2] });
    return series;
  };
  const surfacePoints = createMemo(() => {
    const e = env();
    if (!e) return undefined;
    const x: number[] = [];
    const y: number[] = [];
    const z: number[] = [];
    for (const [T, m] of marketBySlice()) {
      m.x.forEach((v, i) => {
        x.push(v);
        y.push(T);
        z.push(m.y[i]);
      });
    }
    return { x, y, z, name: 'Market IV', color: '#c9d1d9' };
  });

  const exportQuotes = () => {
    const e = env();
    if (!e) return;
    const q = e.data.quotes;
    const rows = Array.from({ length: e.data.rows }, (_, i) => [
      q.line[i],
      q.expiry[i],
      q.T[i],
      q.isCall[i] === 1 ? 'call' : q.isCall[i] === 0 ? 'put' : '',
      q.strike[i],
      q.bid[i],
      q.ask[i],
      q.last[i],
      q.mid[i],
      q.spread[i],
      q.price[i],
      PRICE_SOURCES[q.priceSource[i]],
      q.iv[i],
      q.ivBid[i],
      q.ivAsk[i],
      CHAIN_ROW_CODES[q.code[i]],
      q.used[i],
    ]);
    const csv = toCsv(
      ['line', 'expiry', 'T', 'type', 'strike', 'bid', 'ask', 'last', 'mid', 'spread', 'price', 'price_source', 'iv', 'iv_bid', 'iv_ask', 'code', 'used_in_fit'],
      rows,
    );
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName('iv-surface', `${e.data.underlying}-${e.data.quoteDate}-quotes`, new Date());
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div class="iv-content" data-testid="iv-market">
      <Panel<StoredOptionChain> title="Chain Summary" state={chainState()}>
        {(c) => (
          <>
            <div class="iv-kpis">
              <KpiCard label="Underlying" value={`${c().underlying}`} subtitle={`quoted ${c().quoteDate}`} accent="var(--accent-blue)" testid="iv-chain-underlying" />
              <KpiCard label="Spot · r · q" value={`${c().spot}`} subtitle={`r ${c().rate} · q ${c().dividendYield}`} accent="var(--accent-blue)" />
              <KpiCard
                label="Quotes with IV"
                value={`${c().ok} / ${c().rows}`}
                subtitle={`${c().rows - c().ok} failed · ${c().quotes.used.reduce((s, v) => s + v, 0)} used in the fit`}
                accent={c().ok === c().rows ? 'var(--accent-green)' : 'var(--accent-amber)'}
                testid="iv-chain-quotes"
              />
              <KpiCard
                label="Calendar violation"
                value={c().fit ? sci(c().fit?.rawCalendarViolation ?? 0) : null}
                subtitle={c().fit ? `raw fits · ${sci(c().fit?.adjCalendarViolation ?? 0)} after repair` : 'no fit'}
                accent={(c().fit?.rawCalendarViolation ?? 0) > CAL_LIMIT ? 'var(--accent-red)' : 'var(--accent-green)'}
              />
            </div>
            <div class="iv-pager" style={{ 'margin-top': '8px' }}>
              <span class="hint">
                {c().source} · imported {c().storedAt.slice(0, 16).replace('T', ' ')} UTC · {c().expiries} expiries
              </span>
              <button type="button" class="btn btn-sm" onClick={exportQuotes} data-testid="iv-export-quotes">
                Export quotes CSV
              </button>
            </div>
          </>
        )}
      </Panel>

      <Panel<StoredOptionChain> title="Market Smiles by Expiry" state={fitState()}>
        {(c) => (
          <>
            <div class="iv-legend" aria-hidden="true">
              <span>
                <span class="iv-swatch" style={{ background: COLOURS.market }} />
                Market (OTM mid)
              </span>
              <span>
                <span class="iv-swatch" style={{ background: COLOURS.raw }} />
                SVI fit
              </span>
              <span>
                <span class="iv-swatch" style={{ background: COLOURS.arbFree }} />
                Arb-free (calendar-repaired)
              </span>
              <Show when={cal()}>
                <span>
                  <span class="iv-swatch" style={{ background: COLOURS.heston }} />
                  Heston fit
                </span>
              </Show>
            </div>
            <div class="iv-slices">
              <For each={c().fit?.slices ?? []}>
                {(s, e) => (
                  <div class="iv-slice" data-testid="iv-slice" data-expiry={s.expiry}>
                    <h3>
                      {s.expiry} · T {s.T.toFixed(3)} y · {s.quotes} quotes
                    </h3>
                    <div class="iv-flags">
                      <Show when={!s.fitted}>
                        <Flag ok={false} warn text="Not fitted (< 5 quotes): previous slice carried" />
                      </Show>
                      <Flag ok={s.validity.length === 0} text={s.validity.length === 0 ? 'SVI valid' : `Invalid: ${s.validity.join(', ')}`} />
                      <Flag ok={s.butterflyRanges.length === 0} text={butterflyText(s)} testid="iv-slice-butterfly" />
                      <Flag ok={e() === 0 || s.calendarPoints === 0} warn text={calendarText(s, e() === 0)} testid="iv-slice-calendar" />
                    </div>
                    <SmileChart title={`Smile ${s.expiry}`} series={sliceSeries(c(), e())} height={200} compact testid="iv-slice-chart" />
                  </div>
                )}
              </For>
            </div>
          </>
        )}
      </Panel>

      <Panel<StoredOptionChain> title="Slice Fits and Arbitrage" state={fitState()}>
        {(c) => (
          <div class="table-wrap">
            <table class="data">
              <caption class="sr-only">Raw SVI parameters per expiry with fit error and arbitrage checks</caption>
              <thead>
                <tr>
                  <th scope="col">Expiry</th>
                  <th scope="col" class="r">T</th>
                  <th scope="col" class="r">Quotes</th>
                  <th scope="col" class="r">a</th>
                  <th scope="col" class="r">b</th>
                  <th scope="col" class="r">ρ</th>
                  <th scope="col" class="r">m</th>
                  <th scope="col" class="r">σ</th>
                  <th scope="col" class="r">RMSE IV (pts)</th>
                  <th scope="col">Validity</th>
                  <th scope="col" class="r">min g(k)</th>
                  <th scope="col">Butterfly</th>
                  <th scope="col">Calendar vs previous</th>
                </tr>
              </thead>
              <tbody>
                <For each={c().fit?.slices ?? []}>
                  {(s, e) => (
                    <tr data-testid="iv-slice-row">
                      <td class="num">{s.expiry}</td>
                      <td class="r num">{s.T.toFixed(4)}</td>
                      <td class="r num">{s.quotes}</td>
                      <td class="r num">{fx(s.params.a)}</td>
                      <td class="r num">{fx(s.params.b)}</td>
                      <td class="r num">{fx(s.params.rho, 3)}</td>
                      <td class="r num">{fx(s.params.m)}</td>
                      <td class="r num">{fx(s.params.s)}</td>
                      <td class="r num">{s.rmseIv === null ? 'not fitted' : (s.rmseIv * 100).toFixed(3)}</td>
                      <td>{s.fitted ? (s.validity.length === 0 ? 'ok' : s.validity.join('; ')) : 'carried'}</td>
                      <td class="r num">{Number.isFinite(s.butterflyMinG) ? s.butterflyMinG.toFixed(4) : '−∞'}</td>
                      <td>{butterflyText(s)}</td>
                      <td>{calendarText(s, e() === 0)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <section class="panel iv-controls" aria-labelledby="heston-cal-h">
        <h2 id="heston-cal-h">Heston Calibration</h2>
        <div class="iv-pager">
          <button type="button" class="btn btn-primary" data-testid="heston-calibrate" disabled={submitting() || !env()} onClick={() => void calibrate()}>
            {submitting() ? 'Submitting…' : cal() ? 'Calibrate again' : 'Calibrate Heston'}
          </button>
          <span class="hint">Seeded differential evolution then Levenberg–Marquardt, on the out-of-the-money quotes used by the SVI fit.</span>
        </div>
        <Show when={submitError()}>{(e) => <ErrorPanel title="Could not start the calibration" message={e().message} traceId={e().traceId} />}</Show>
        <Show when={calJob()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
      </section>

      <div class="grid-2">
        <Panel<HestonCalibrationResult> title="Heston Fit" state={calState()}>
          {(r) => (
            <div data-testid="heston-fit">
              <dl class="iv-readouts">
                <dt>v0</dt>
                <dd>{fx(r().params.v0)}</dd>
                <dt>κ (kappa)</dt>
                <dd>{fx(r().params.kappa)}</dd>
                <dt>θ (theta)</dt>
                <dd>{fx(r().params.theta)}</dd>
                <dt>σ (vol of vol)</dt>
                <dd>{fx(r().params.sigma)}</dd>
                <dt>ρ (rho)</dt>
                <dd>{fx(r().params.rho)}</dd>
                <dt>IV RMSE</dt>
                <dd data-testid="heston-fit-rmse">{r().ivRmse === null ? '—' : `${(r().ivRmse ?? 0) * 100 < 10 ? ((r().ivRmse ?? 0) * 100).toFixed(3) : ((r().ivRmse ?? 0) * 100).toFixed(1)} vol pts`}</dd>
                <dt>Quotes used</dt>
                <dd>
                  {r().used} / {r().quotes}
                </dd>
                <dt>Evaluations</dt>
                <dd>
                  {r().evaluations} ({r().deGenerations} DE generations, {r().lmIterations} LM steps)
                </dd>
              </dl>
              <p class={r().feller.satisfied ? 'hint' : 'iv-banner'} data-testid="heston-fit-feller" role="status">
                Feller: 2κθ = {r().feller.lhs.toFixed(4)} {r().feller.satisfied ? '>' : '≤'} σ² = {r().feller.rhs.toFixed(4)} —{' '}
                {r().feller.satisfied ? 'satisfied' : 'violated: the fitted variance process can reach zero'}.
              </p>
            </div>
          )}
        </Panel>
        <Panel<HestonCalibrationResult> title="Heston Fitted Surface" state={calState()}>
          {(r) => (
            <Surface3d
              title="Heston Fitted Surface"
              x={r().surface.moneyness}
              y={r().surface.expiries}
              z={r().surface.iv}
              points={surfacePoints()}
              height={340}
              testid="heston-fit-surface"
              csvName={['iv-surface', 'heston-fit']}
            />
          )}
        </Panel>
      </div>

      <Panel<StoredOptionChain> title="Fitted SVI Surface (Arb-Free)" state={fitState()}>
        {(c) => (
          <Surface3d
            title="Fitted SVI Surface (Arb-Free)"
            x={c().fit?.moneyness ?? []}
            y={c().fit?.expiries ?? []}
            z={(c().fit?.adjIv ?? []).map((row) => row.map((v) => (Number.isFinite(v) ? v : null)))}
            points={surfacePoints()}
            testid="market-surface"
            csvName={['iv-surface', `${c().underlying}-${c().quoteDate}-svi`]}
          />
        )}
      </Panel>

      <Panel<StoredOptionChain> title="Failed Quotes" state={chainState()}>
        {(c) => <FailureTable failures={c().failures} chainLabel={`${c().underlying}-${c().quoteDate}`} />}
      </Panel>
    </div>
  );
}
