/**
 * Strategy-vs-benchmark series for the S&P Comparison page, derived from a stored backtest
 * (strategy returns and the benchmark returns on the strategy's dates). Pure, no DOM.
 */
export interface ComparisonSeries {
  relativeStrength: Float64Array;
  excessCumulative: Float64Array;
  strategyDrawdown: Float64Array;
  benchmarkDrawdown: Float64Array;
  rollingCorrelation: Float64Array;
  rollingBeta: Float64Array;
  rollingAlpha: Float64Array;
}

function rollingStats(s: readonly number[], b: readonly number[], w: number) {
  const n = s.length;
  const corr = new Float64Array(n).fill(Number.NaN);
  const beta = new Float64Array(n).fill(Number.NaN);
  const alpha = new Float64Array(n).fill(Number.NaN);
  for (let t = w; t < n; t++) {
    // rows t−w+1..t (row 0 is the start row with no benchmark return)
    let ms = 0;
    let mb = 0;
    for (let k = t - w + 1; k <= t; k++) {
      ms += s[k];
      mb += b[k];
    }
    ms /= w;
    mb /= w;
    let cov = 0;
    let vs = 0;
    let vb = 0;
    for (let k = t - w + 1; k <= t; k++) {
      cov += (s[k] - ms) * (b[k] - mb);
      vs += (s[k] - ms) ** 2;
      vb += (b[k] - mb) ** 2;
    }
    if (vb > 0) {
      beta[t] = cov / vb;
      alpha[t] = (ms - beta[t] * mb) * 252;
    }
    if (vs > 0 && vb > 0) corr[t] = cov / Math.sqrt(vs * vb);
  }
  return { corr, beta, alpha };
}

function drawdown(r: readonly number[]): Float64Array {
  const out = new Float64Array(r.length);
  let e = 1;
  let peak = 1;
  for (let t = 0; t < r.length; t++) {
    e *= 1 + r[t];
    peak = Math.max(peak, e);
    out[t] = e / peak - 1;
  }
  return out;
}

export function comparisonSeries(strategy: readonly number[], benchmark: readonly number[], window: number): ComparisonSeries {
  const n = strategy.length;
  const rs = new Float64Array(n);
  const ex = new Float64Array(n);
  let es = 1;
  let eb = 1;
  for (let t = 0; t < n; t++) {
    es *= 1 + strategy[t];
    eb *= 1 + benchmark[t];
    rs[t] = es / eb;
    ex[t] = es - eb;
  }
  const r = rollingStats(strategy, benchmark, Math.max(2, Math.floor(window)));
  return {
    relativeStrength: rs,
    excessCumulative: ex,
    strategyDrawdown: drawdown(strategy),
    benchmarkDrawdown: drawdown(benchmark),
    rollingCorrelation: r.corr,
    rollingBeta: r.beta,
    rollingAlpha: r.alpha,
  };
}
