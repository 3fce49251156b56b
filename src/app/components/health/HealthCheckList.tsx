import { createSignal, For, type JSX, Show } from 'solid-js';
import type { HealthCheckItem } from '../../../workers/health/view';
import { SEVERITY_TAG, statusClass, statusDot } from './format';

/**
 * Where the raw value sits against the check's numeric thresholds (a tick per threshold).
 * Only drawn when there is a raw value and at least one threshold to compare it with.
 */
function ThresholdBar(props: { item: HealthCheckItem }): JSX.Element {
  // Only band limits on the raw value (pass_/warn_/fail_…); other entries are parameters of the measure.
  const ticks = () => Object.entries(props.item.thresholds).filter(([k, v]) => /^(pass|warn|fail)_/.test(k) && Number.isFinite(v));
  const scale = () => {
    const vals = [...ticks().map(([, v]) => v), props.item.raw_value ?? 0];
    const lo = Math.min(0, ...vals);
    const hi = Math.max(...vals) * 1.15 || 1;
    return (v: number) => ((v - lo) / (hi - lo || 1)) * 100;
  };
  return (
    <Show when={props.item.raw_value !== null && ticks().length > 0}>
      <div
        aria-hidden="true"
        title={ticks().map(([k, v]) => `${k} ${v}`).join(' · ')}
        style={{ position: 'relative', height: '8px', background: 'var(--bg-tertiary, #21262d)', 'border-radius': '4px', width: '120px', flex: 'none' }}
      >
        <For each={ticks()}>
          {([, v]) => <span style={{ position: 'absolute', left: `${scale()(v)}%`, top: '-2px', width: '1px', height: '12px', background: 'var(--text-muted)' }} />}
        </For>
        <span
          style={{
            position: 'absolute',
            left: `calc(${scale()(props.item.raw_value ?? 0)}% - 4px)`,
            top: '0',
            width: '8px',
            height: '8px',
            'border-radius': '50%',
            background: 'var(--accent-blue)',
          }}
        />
      </div>
    </Show>
  );
}

/** One domain's checks: rows expand (click, Enter or Space) to methodology, thresholds and advice. */
export function HealthCheckList(props: { checks: HealthCheckItem[] }): JSX.Element {
  const [open, setOpen] = createSignal<ReadonlySet<string>>(new Set());
  const toggle = (id: string) => {
    const next = new Set(open());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return (
    <ul style={{ 'list-style': 'none', margin: 0, padding: 0 }} class="stack" data-testid="health-check-list">
      <For each={props.checks}>
        {(c) => (
          <li data-testid="health-check" data-check-id={c.id} data-status={c.status}>
            <button
              type="button"
              class="btn-ghost"
              aria-expanded={open().has(c.id)}
              aria-controls={`chk-${c.domain}-${c.id}`}
              onClick={() => toggle(c.id)}
              style={{ display: 'flex', 'align-items': 'center', gap: '8px', width: '100%', 'text-align': 'left', padding: '6px 4px', border: 'none', background: 'transparent', color: 'inherit', cursor: 'pointer' }}
            >
              <span class={statusDot(c.status)} />
              <span style={{ flex: '1 1 auto', 'font-weight': 600 }}>{c.name}</span>
              <span class="hint mono">{c.value ?? '—'}</span>
              <ThresholdBar item={c} />
              <span class="hint mono" title={c.severity}>
                {SEVERITY_TAG[c.severity]}
              </span>
              <span class={`status-badge ${statusClass(c.status)}`}>{c.status}</span>
            </button>
            <p class="hint" style={{ margin: '0 0 4px 20px' }}>
              {c.detail}
            </p>
            <Show when={open().has(c.id)}>
              <div id={`chk-${c.domain}-${c.id}`} style={{ margin: '0 0 8px 20px' }} class="stack">
                <p style={{ margin: 0 }}>
                  <strong>Methodology.</strong> {c.methodology}
                </p>
                <Show when={Object.keys(c.thresholds).length > 0}>
                  <p class="mono hint" style={{ margin: 0 }}>
                    Thresholds: {Object.entries(c.thresholds).map(([k, v]) => `${k} = ${v}`).join(' · ')}
                  </p>
                </Show>
                <p class="mono hint" style={{ margin: 0 }}>
                  Score {c.score === null ? 'N/A' : c.score} · raw value {c.raw_value === null ? 'N/A' : c.raw_value.toPrecision(4)}
                </p>
                <Show when={c.recommendation}>
                  <p style={{ margin: 0 }}>
                    <strong>Recommendation.</strong> {c.recommendation}
                  </p>
                </Show>
              </div>
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
