import { createSignal, createUniqueId, type JSX, Show } from 'solid-js';
import type { ParamDef } from './presets';

const clean = (v: number) => String(Math.round(v * 1e6) / 1e6);

/**
 * A labelled slider with its live value, min/max labels and a paired numeric input. Both
 * controls apply on every input event (the caller recomputes within the frame); the numeric
 * input refuses values outside [min, max] with a message instead of clamping silently.
 */
export function ParamSlider(props: {
  def: ParamDef<string>;
  value: number;
  onChange: (v: number) => void;
  /** test-id prefix: `${prefix}-slider-${key}`, `${prefix}-input-${key}`, `${prefix}-value-${key}` */
  prefix: string;
  disabled?: boolean;
}): JSX.Element {
  const id = createUniqueId();
  const [error, setError] = createSignal<string | null>(null);
  const d = () => props.def;
  const apply = (raw: string, final: boolean) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v)) {
      if (final) setError(`${d().label} needs a number between ${d().min} and ${d().max}`);
      return;
    }
    if (v < d().min || v > d().max) {
      setError(`${d().label} must be between ${d().min} and ${d().max}; ${clean(v)} was not applied`);
      return;
    }
    setError(null);
    props.onChange(v);
  };
  return (
    <div class="iv-param">
      <div class="iv-param-head">
        <label for={`${id}-range`} class="iv-param-name">
          {d().label}
        </label>
        <span class="iv-param-role">{d().role}</span>
        <output class="num iv-param-value" for={`${id}-range ${id}-num`} data-testid={`${props.prefix}-value-${d().key}`}>
          {props.value.toFixed(d().digits)}
        </output>
      </div>
      <div class="iv-param-row">
        <span class="num iv-minmax" aria-hidden="true">
          {d().min}
        </span>
        <input
          id={`${id}-range`}
          type="range"
          class="iv-range"
          min={d().min}
          max={d().max}
          step={d().step}
          value={props.value}
          disabled={props.disabled}
          data-testid={`${props.prefix}-slider-${d().key}`}
          aria-valuetext={`${d().label} ${props.value.toFixed(d().digits)}`}
          onInput={(e) => apply(e.currentTarget.value, true)}
        />
        <span class="num iv-minmax" aria-hidden="true">
          {d().max}
        </span>
        <input
          id={`${id}-num`}
          type="number"
          class="input num iv-num"
          min={d().min}
          max={d().max}
          step={d().step}
          value={clean(props.value)}
          disabled={props.disabled}
          aria-label={`${d().label} (${d().role}) value`}
          aria-invalid={error() !== null}
          data-testid={`${props.prefix}-input-${d().key}`}
          onInput={(e) => apply(e.currentTarget.value, false)}
          onChange={(e) => {
            apply(e.currentTarget.value, true);
            if (error() === null) e.currentTarget.value = clean(props.value);
          }}
        />
      </div>
      <Show when={error()}>
        <p class="error-text iv-param-error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}
