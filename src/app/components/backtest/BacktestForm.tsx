import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { DatasetMeta, Json, ManifestInput } from '../../../engine/contracts';
import type { PredictRunSummary } from '../../../workers/models/signal-views';

/** A slider with its paired numeric input (both edit the same value, clamped to the range). */
export function SliderField(props: {
  id: string;
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onChange: (v: number) => void;
}): JSX.Element {
  const set = (raw: string) => {
    const v = Number(raw);
    if (raw.trim() !== '' && Number.isFinite(v)) props.onChange(Math.min(props.max, Math.max(props.min, v)));
  };
  return (
    <div class="field bt-field">
      <label for={`${props.id}-num`}>{props.label}</label>
      <div class="field-row">
        <input
          type="range"
          aria-label={`${props.label} slider`}
          min={props.min}
          max={props.max}
          step={props.step}
          value={props.value}
          onInput={(e) => set(e.currentTarget.value)}
        />
        <input
          id={`${props.id}-num`}
          data-testid={props.id}
          type="number"
          min={props.min}
          max={props.max}
          step={props.step}
          value={props.value}
          style={{ width: '6rem' }}
          onChange={(e) => set(e.currentTarget.value)}
        />
      </div>
    </div>
  );
}

function OptionalNumber(props: { id: string; label: string; value: number | null; onChange: (v: number | null) => void; hint: string }): JSX.Element {
  return (
    <div class="field bt-field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        data-testid={props.id}
        type="number"
        min={0}
        step={0.01}
        placeholder="off"
        value={props.value ?? ''}
        title={props.hint}
        onChange={(e) => {
          const raw = e.currentTarget.value.trim();
          const v = Number(raw);
          props.onChange(raw === '' || !Number.isFinite(v) || v <= 0 ? null : v);
        }}
      />
    </div>
  );
}

export interface BacktestSubmission {
  params: { [k: string]: Json };
  inputs: ManifestInput[];
}

/** The configuration form; `onRun` receives job params (every field reaches the simulator). */
export function BacktestForm(props: {
  datasets: DatasetMeta[];
  /** succeeded Signal Desk runs whose predictions can drive the backtest */
  predictionRuns?: PredictRunSummary[];
  submitting: boolean;
  onRun: (s: BacktestSubmission) => void;
}): JSX.Element {
  const daily = createMemo(() => props.datasets.filter((d) => d.timeframe === '1d'));
  const runs = () => (props.predictionRuns ?? []).filter((r) => r.status === 'succeeded');
  // '' = the SMA rule; otherwise the predict job id whose predictions drive entries
  const [source, setSource] = createSignal('');
  const [selected, setSelected] = createSignal<string[]>([]);
  const [benchmark, setBenchmark] = createSignal('');
  const [fast, setFast] = createSignal(20);
  const [slow, setSlow] = createSignal(50);
  const [holding, setHolding] = createSignal(10);
  const [maxPos, setMaxPos] = createSignal(10);
  const [entry, setEntry] = createSignal(0);
  const [size, setSize] = createSignal(0.1);
  const [riskMgmt, setRiskMgmt] = createSignal(false);
  const [fill, setFill] = createSignal<'open' | 'close'>('open');
  const [stopLoss, setStopLoss] = createSignal<number | null>(null);
  const [takeProfit, setTakeProfit] = createSignal<number | null>(null);
  const [trailing, setTrailing] = createSignal<number | null>(null);
  const [commission, setCommission] = createSignal(1);
  const [spread, setSpread] = createSignal(3);

  const toggle = (id: string, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));
  const problem = () => {
    if (selected().length === 0) return 'Pick at least one ticker.';
    if (!source() && fast() >= slow()) return `The fast SMA (${fast()}) must be shorter than the slow SMA (${slow()}).`;
    return null;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (problem() || props.submitting) return;
    const metas = daily();
    const ids = selected();
    const bench = benchmark();
    const params: { [k: string]: Json } = {
      datasetIds: ids,
      rule: { kind: 'sma', fast: fast(), slow: slow() },
      signal_source: source() ? 'predictions' : 'rule',
      ...(source() ? { predictions_run: source() } : {}),
      holding_period: holding(),
      max_positions: maxPos(),
      entry_threshold: entry(),
      position_size: size(),
      fill: fill(),
      stop_loss: stopLoss(),
      take_profit: takeProfit(),
      trailing_stop: trailing(),
      commission_bps: commission(),
      spread_bps: spread(),
      risk_management: riskMgmt(),
      ...(bench ? { benchmarkId: bench } : {}),
    };
    const inputs = metas.filter((m) => ids.includes(m.id) || m.id === bench).map((m) => ({ key: m.id, checksum: m.checksum }));
    props.onRun({ params, inputs });
  };

  return (
    <form class="bt-form" onSubmit={submit} data-testid="backtest-form">
      <fieldset class="field bt-field">
        <legend>Tickers</legend>
        <div class="bt-tickers">
          <For each={daily()}>
            {(d) => (
              <label class="bt-ticker">
                <input
                  type="checkbox"
                  data-testid={`bt-ticker-${d.ticker}`}
                  checked={selected().includes(d.id)}
                  onChange={(e) => toggle(d.id, e.currentTarget.checked)}
                />
                {d.ticker}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <div class="field bt-field">
        <label for="bt-benchmark">Benchmark</label>
        <select id="bt-benchmark" data-testid="bt-benchmark" value={benchmark()} onChange={(e) => setBenchmark(e.currentTarget.value)}>
          <option value="">None</option>
          <For each={daily()}>{(d) => <option value={d.id}>{d.ticker}</option>}</For>
        </select>
      </div>
      <div class="field bt-field">
        <label for="bt-signal">Signal</label>
        <select id="bt-signal" data-testid="bt-signal" value={source()} onChange={(e) => setSource(e.currentTarget.value)}>
          <option value="">SMA crossover rule</option>
          <For each={runs()}>{(r) => <option value={r.jobId}>{`Predictions · ${new Date(r.createdAt).toLocaleString()} · ${r.jobId.slice(0, 8)}`}</option>}</For>
        </select>
        <Show when={source()}>
          <p class="hint">Entries follow the run's predicted returns (entry threshold and confidence gate apply); tickers without predictions never trade.</p>
        </Show>
      </div>
      <div class="grid-2">
        <SliderField id="bt-fast" label="Fast SMA" min={2} max={200} step={1} value={fast()} onChange={setFast} />
        <SliderField id="bt-slow" label="Slow SMA" min={3} max={400} step={1} value={slow()} onChange={setSlow} />
        <SliderField id="bt-holding" label="Holding Period (days)" min={1} max={60} step={1} value={holding()} onChange={setHolding} />
        <SliderField id="bt-max-positions" label="Max Positions" min={1} max={50} step={1} value={maxPos()} onChange={setMaxPos} />
        <SliderField id="bt-entry" label="Entry Threshold (SMA spread)" min={0} max={0.1} step={0.001} value={entry()} onChange={setEntry} />
        <SliderField id="bt-size" label="Position Size" min={0.01} max={0.5} step={0.01} value={size()} onChange={setSize} />
        <SliderField id="bt-commission" label="Commission (bps)" min={0} max={50} step={0.5} value={commission()} onChange={setCommission} />
        <SliderField id="bt-spread" label="Spread (bps)" min={0} max={50} step={0.5} value={spread()} onChange={setSpread} />
        <OptionalNumber id="bt-stop-loss" label="Stop loss (fraction)" value={stopLoss()} onChange={setStopLoss} hint="e.g. 0.05 = exit 5 % below entry; empty = off" />
        <OptionalNumber id="bt-take-profit" label="Take profit (fraction)" value={takeProfit()} onChange={setTakeProfit} hint="e.g. 0.2; empty = off" />
        <OptionalNumber id="bt-trailing" label="Trailing stop (fraction)" value={trailing()} onChange={setTrailing} hint="e.g. 0.08; empty = off" />
        <div class="field bt-field">
          <label for="bt-fill">Fill</label>
          <select id="bt-fill" value={fill()} onChange={(e) => setFill(e.currentTarget.value === 'close' ? 'close' : 'open')}>
            <option value="open">Next bar open</option>
            <option value="close">Next bar close</option>
          </select>
        </div>
      </div>
      <label class="bt-ticker">
        <input type="checkbox" data-testid="bt-risk" checked={riskMgmt()} onChange={(e) => setRiskMgmt(e.currentTarget.checked)} />
        Risk Management (drawdown controller: de-risk and halt entries in deep drawdowns)
      </label>
      <Show when={problem()}>{(p) => <p class="hint">{p()}</p>}</Show>
      <div class="state-actions">
        <button type="submit" class="btn btn-primary" data-testid="run-backtest" disabled={props.submitting || problem() !== null}>
          {props.submitting ? 'Submitting…' : 'Run Backtest'}
        </button>
      </div>
    </form>
  );
}
