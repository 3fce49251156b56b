import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { Prng } from '../../../src/engine/core/prng';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'qe-models-'));

/**
 * Weekday bars whose price follows a 50-bar cycle plus a small random walk: the 10-bar
 * forward return is largely predictable from where the price sits in its cycle (z-score,
 * RSI, MACD…), so a working pipeline must find it out of sample.
 */
function writeBars(name: string, tickers: string[], bars: number, seed: number, cycle = 0.08): string {
  const p = new Prng(seed);
  const lines = ['ticker,date,open,high,low,close,volume'];
  tickers.forEach((t, k) => {
    let walk = 0;
    let prev = 100;
    let day = Date.UTC(2015, 0, 5);
    for (let i = 0; i < bars; i++) {
      while ([0, 6].includes(new Date(day).getUTCDay())) day += 86_400_000;
      walk += 0.006 * p.normal();
      const close = 100 * Math.exp(cycle * Math.sin((2 * Math.PI * i) / 50 + k) + 0.0003 * i + walk);
      const open = prev;
      const hi = Math.max(open, close) * (1 + 0.003 * p.next());
      const lo = Math.min(open, close) * (1 - 0.003 * p.next());
      lines.push(`${t},${new Date(day).toISOString().slice(0, 10)},${open},${hi},${lo},${close},${Math.round(1e6 * (1 + p.next()))}`);
      prev = close;
      day += 86_400_000;
    }
  });
  const f = join(dir, name);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

describe('qe train / qe predict', () => {
  const bars = writeBars('universe.csv', ['AAA', 'BBB', 'CCC'], 1400, 1);
  const model = join(dir, 'out', 'model.json');
  let trained: { code: number; out: string; err: string } | null = null;
  const train = async () => {
    trained ??= await run(['train', bars, '--horizon', '10', '--folds', '3', '--out', model, '--refit-every', '500']);
    return trained;
  };

  it('trains with purged walk-forward CV, prints CV metrics JSON and writes the model', async () => {
    const { code, out, err } = await train();
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.status).toBe('accepted');
    expect(r.model).toBe(model);
    expect(r.tickers).toEqual(['AAA', 'BBB', 'CCC']);
    expect(r.features).not.toContain('beta_60');
    expect(r.global.cv.folds).toHaveLength(3);
    for (const f of r.global.cv.folds) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['train', 'test', 'ic', 'rank_ic', 'hit_rate', 'rmse', 'r2', 'is_rank_ic', 'members']));
      // purged: the fold trains strictly before it tests
      expect(f.train[1] < f.test[0]).toBe(true);
    }
    expect(r.global.cv.oos_rank_ic).toBeGreaterThan(0.3);
    expect(r.global.holdout.rank_ic).toBeGreaterThan(0.3);
    expect(r.calibration.method).toBe('isotonic');
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.kind).toBe('qe-ensemble');
    expect(m.manifest.id).toBe(r.manifest_id);
    expect(m.manifest.inputs.map((i: { key: string }) => i.key)).toEqual(['AAA|1d', 'BBB|1d', 'CCC|1d']);
    expect(m.manifest.params.regime).toEqual({ method: 'hmm', refitEvery: 500 });
  });

  it('predicts the latest bar per ticker (or every bar) with confidence, regime and members', async () => {
    await train();
    const { code, out } = await run(['predict', model, bars]);
    expect(code).toBe(0);
    const p = JSON.parse(out);
    expect(p.model).toBe(JSON.parse(readFileSync(model, 'utf8')).manifest.id);
    expect(p.horizon).toBe(10);
    expect(p.rows.map((r: { ticker: string }) => r.ticker)).toEqual(['AAA', 'BBB', 'CCC']);
    for (const row of p.rows) {
      expect(Number.isFinite(row.predicted_return)).toBe(true);
      expect(row.confidence).toBeGreaterThanOrEqual(0);
      expect(row.confidence).toBeLessThanOrEqual(1);
      expect([0, 1, 2, 3]).toContain(row.regime);
      expect(Object.keys(row.members)).toEqual(['gbdt', 'ridge', 'regime0', 'regime1', 'regime2', 'regime3']);
    }
    const all = JSON.parse((await run(['predict', model, bars, '--all'])).out);
    expect(all.rows.length).toBeGreaterThan(3 * 1300);
    // The latest row of --all is the row of the default output.
    const lastAaa = all.rows.filter((r: { ticker: string }) => r.ticker === 'AAA').at(-1);
    expect(lastAaa).toEqual(p.rows[0]);
  });

  it('refuses a tampered model file', async () => {
    await train();
    const m = JSON.parse(readFileSync(model, 'utf8'));
    m.horizon = 5;
    const bad = join(dir, 'tampered.json');
    writeFileSync(bad, JSON.stringify(m));
    const { code, err } = await run(['predict', bad, bars]);
    expect(code).toBe(2);
    expect(err).toMatch(/checksum mismatch/);
  });

  it('with a benchmark: excess-return targets, beta_60, and predict insists on the benchmark', async () => {
    const bench = writeBars('bench.csv', ['BMK'], 700, 9, 0.01);
    const small = writeBars('small.csv', ['DDD', 'EEE'], 700, 3);
    const out = join(dir, 'bm-model.json');
    const r = await run(['train', small, '--benchmark', bench, '--folds', '2', '--out', out, '--members', 'ridge', '--no-regime-models', '--no-gates']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.features).toContain('beta_60');
    expect(rep.regimes).toEqual([]);
    const m = JSON.parse(readFileSync(out, 'utf8'));
    expect(m.manifest.benchmark.key).toBe('BMK|1d');
    const p = await run(['predict', out, small]);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/trained with benchmark BMK\|1d/);
    expect((await run(['predict', out, small, '--benchmark', bench])).code).toBe(0);
  });

  it('usage errors name the problem', async () => {
    expect((await run(['train'])).err).toMatch(/at least one bars CSV/);
    expect((await run(['train', bars, '--horizon', '0'])).err).toMatch(/--horizon must be an integer from 1 to 252/);
    expect((await run(['train', bars, '--members', 'mlp'])).err).toMatch(/unknown member "mlp"/);
    expect((await run(['predict', join(dir, 'nope.json'), bars])).err).toMatch(/cannot read model/);
  });
});
