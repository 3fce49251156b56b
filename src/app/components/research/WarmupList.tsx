import { For, type JSX } from 'solid-js';
import './research.css';

export interface WarmupRow {
  name: string;
  family: string;
  /** declared warm-up rows */
  warmup: number;
  /** first row with a value, −1 if none */
  firstValid: number;
  missing: number;
}

/**
 * Per feature: a bar over all rows showing the leading rows without a value (amber) and any
 * later missing rows (red), then the declared warm-up, the first valid date and the missing
 * count as numbers.
 */
export function WarmupList(props: { rows: readonly WarmupRow[]; total: number; firstDate: (row: number) => string; testid?: string }): JSX.Element {
  const pct = (n: number) => `${(Math.max(0, n) / Math.max(1, props.total)) * 100}%`;
  return (
    <div class="rs-warmup" data-testid={props.testid}>
      <table class="data">
        <caption class="sr-only">Warm-up and missing values per feature</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col" style={{ width: '38%' }}>
              Missing rows
            </th>
            <th scope="col" class="r">
              Warm-up
            </th>
            <th scope="col">First valid</th>
            <th scope="col" class="r">
              Missing
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(r) => {
              // Rows before the first value are the warm-up as observed; later NaNs are gaps.
              const lead = () => (r.firstValid < 0 ? props.total : r.firstValid);
              const gaps = () => Math.max(0, r.missing - lead());
              return (
                <tr data-feature={r.name}>
                  <td class="rs-warmup-name" title={`${r.name} (${r.family})`}>
                    {r.name}
                  </td>
                  <td>
                    <span class="rs-warmup-track" role="img" aria-label={`${lead()} leading and ${gaps()} later missing rows of ${props.total}`}>
                      <span style={{ width: pct(lead()), background: 'var(--accent-amber)' }} />
                      <span style={{ width: pct(gaps()), background: 'var(--accent-red)' }} />
                    </span>
                  </td>
                  <td class="r">{r.warmup}</td>
                  <td>{r.firstValid < 0 ? 'never' : props.firstDate(r.firstValid)}</td>
                  <td class="r">{r.missing.toLocaleString('en-US')}</td>
                </tr>
              );
            }}
          </For>
        </tbody>
      </table>
    </div>
  );
}
