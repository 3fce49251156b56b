import { For, type JSX } from 'solid-js';

export interface BarRow {
  label: string;
  value: number;
  /** text shown right of the bar */
  text: string;
  color?: string;
}

/** Horizontal bars (cache age per dataset, promotion funnel); a table underneath for screen readers. */
/** `minScale`: the bar length scale is at least this (so near-zero values draw near-zero bars). */
export function HealthBars(props: { rows: BarRow[]; caption: string; testid?: string; minScale?: number }): JSX.Element {
  const max = () => Math.max(props.minScale ?? 1e-9, ...props.rows.map((r) => r.value));
  return (
    <div data-testid={props.testid}>
      <div aria-hidden="true" class="stack" style={{ gap: '4px' }}>
        <For each={props.rows}>
          {(r) => (
            <div style={{ display: 'grid', 'grid-template-columns': '140px 1fr 80px', gap: '8px', 'align-items': 'center' }}>
              <span class="mono hint" style={{ overflow: 'hidden', 'text-overflow': 'ellipsis', 'white-space': 'nowrap' }} title={r.label}>
                {r.label}
              </span>
              <span style={{ height: '12px', background: 'var(--bg-tertiary, #21262d)', 'border-radius': '3px', position: 'relative' }}>
                <span
                  style={{
                    position: 'absolute',
                    left: 0,
                    top: 0,
                    bottom: 0,
                    width: `${(100 * Math.max(0, r.value)) / max()}%`,
                    background: r.color ?? 'var(--accent-blue)',
                    'border-radius': '3px',
                  }}
                />
              </span>
              <span class="mono">{r.text}</span>
            </div>
          )}
        </For>
      </div>
      <table class="sr-only">
        <caption>{props.caption}</caption>
        <tbody>
          <For each={props.rows}>
            {(r) => (
              <tr>
                <th scope="row">{r.label}</th>
                <td>{r.text}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
