import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { analyseRegimes, currentRegime, type RegimeAnalysis } from '../../../src/engine/regime/analysis';
import { combineConsensus } from '../../../src/engine/regime/consensus';
import { detectHmmRegimes } from '../../../src/engine/regime/detect';
import { consensusRegimeDocument, jumpRegimeDocument, rulesRegimeDocument } from '../../../src/engine/regime/documents';
import { argmaxRows, empiricalTransmat } from '../../../src/engine/regime/paths';
import { head, loadReal, REAL_DAILY } from '../features/helpers';

const SPY = head(loadReal('SPY'), 1500);
const cache = new Map<string, RegimeAnalysis>();
function analysis(method: RegimeAnalysis['method']): RegimeAnalysis {
  let a = cache.get(method);
  if (!a) {
    a = analyseRegimes(SPY, { method });
    cache.set(method, a);
  }
  return a;
}

function rowSums(P: Float64Array, K: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < P.length; i += K) out.push(P.subarray(i, i + K).reduce((a, b) => a + b, 0));
  return out;
}

describe('analyseRegimes', () => {
  it('hmm: the contract-C fit, its filtered argmax as causal path, fitted transmat', () => {
    const a = analysis('hmm');
    const ref = detectHmmRegimes(SPY);
    expect(a.hmm?.fit.loglik).toBe(ref.fit.loglik);
    expect(a.rows).toEqual(ref.kept);
    expect(a.filtered).toEqual(ref.fit.filtered);
    expect(a.smoothed).toEqual(ref.fit.smoothed);
    expect(a.path).toEqual(ref.fit.viterbi);
    expect(a.causalPath).toEqual(argmaxRows(ref.fit.filtered, a.rows.length, 4));
    expect(a.transmat).toEqual(ref.fit.params.transmat);
    expect(a.transmatSource).toBe('fitted');
    expect(new Set(a.stateRegimes).size).toBe(4); // K = 4: one state per regime
  });

  it.each(['hmm', 'jump', 'rules', 'consensus'] as const)('%s: shapes, distributions and consistent statistics', (method) => {
    const a = analysis(method);
    const T = a.rows.length;
    const K = a.states;
    expect(a.ts.length).toBe(T);
    expect(a.filtered.length).toBe(T * K);
    expect(a.canonical.probs.length).toBe(T * 4);
    for (const s of rowSums(a.filtered, K)) expect(s).toBeCloseTo(1, 12);
    for (const s of rowSums(a.canonical.probs, 4)) expect(s).toBeCloseTo(1, 12);
    for (let t = 0; t < T; t++) {
      expect(a.canonical.confidence[t]).toBeGreaterThanOrEqual(0);
      expect(a.canonical.confidence[t]).toBeLessThanOrEqual(1 + 1e-12);
      expect(a.uncertainty[t]).toBeGreaterThanOrEqual(0);
      expect(a.uncertainty[t]).toBeLessThanOrEqual(1 + 1e-12);
    }
    for (let i = 0; i < K; i++) {
      const row = a.transmat.subarray(i * K, i * K + K);
      if (!Number.isNaN(row[0])) expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    }
    expect(a.stats.count.reduce((x, y) => x + y, 0)).toBe(T);
    if (a.transmatSource === 'empirical') expect(a.transmat).toEqual(empiricalTransmat(a.causalPath, K));
    const cur = currentRegime(a);
    expect(cur?.ts).toBe(SPY.ts[SPY.ts.length - 1]);
  });

  it('jump: online states are the causal path; canonical regimes follow the state mapping', () => {
    const a = analysis('jump');
    expect(a.causalPath).toEqual(a.jump?.online);
    expect(a.path).toEqual(a.jump?.path);
    for (let t = 0; t < a.rows.length; t++) {
      // K ≤ 4 → one state per regime, so the canonical argmax is the mapped online state
      expect(a.canonical.regime[t]).toBe(a.stateRegimes[a.causalPath[t]]);
    }
  });

  it('rules: online labels as causal path; rows start after the warm-up', () => {
    const a = analysis('rules');
    expect(a.rows[0]).toBe(a.rules?.warmup);
    expect(a.rows.length).toBe(SPY.ts.length - (a.rules?.warmup ?? 0));
    expect(a.causalPath).toEqual(a.canonical.regime);
  });

  it('consensus: combines the three methods row by row with the default weights', () => {
    const a = analysis('consensus');
    const c = a.consensus!;
    expect(c.components.map((x) => x.name)).toEqual(['hmm', 'rules', 'jump']);
    expect(c.weights).toEqual({ hmm: 0.5, rules: 0.3, jump: 0.2 });
    const again = combineConsensus(c.components, a.rows.length);
    expect(again.regime).toEqual(a.canonical.regime);
    // the HMM component is the HMM analysis's canonical output
    expect(c.components[0].probs).toEqual(analysis('hmm').canonical.probs);
    // rules are absent during their warm-up (Hurst_100), present afterwards
    const warm = a.rules!.warmup;
    const firstWithRules = a.rows.findIndex((bar) => bar >= warm);
    expect(c.present[firstWithRules - 1]).toBe(2);
    expect(c.present[firstWithRules]).toBe(3);
  });
});

describe('documents', () => {
  it('jump, rules and consensus documents have row arrays aligned with dates', () => {
    const j = jumpRegimeDocument(analysis('jump'));
    expect(j.online.length).toBe(j.dates.length);
    expect(j.probabilities.length).toBe(j.dates.length);
    expect(j.probabilities[0].length).toBe(j.states);
    expect(j.transmat.length).toBe(j.states);
    const r = rulesRegimeDocument(analysis('rules'));
    expect(r.inputs.hurst_100.length).toBe(r.dates.length);
    expect(r.smoothed.length).toBe(r.dates.length);
    const c = consensusRegimeDocument(analysis('consensus'));
    expect(c.components.hmm.regime.length).toBe(c.dates.length);
    expect(() => jumpRegimeDocument(analysis('hmm'))).toThrow(/not a jump-model analysis/);
  });
});

describe('qe regime --method', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qe-regime-'));
  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  it.each(['jump', 'rules', 'consensus'] as const)('%s writes its JSON document', async (method) => {
    const out = join(dir, `${method}.json`);
    const res = await run(['regime', resolve(REAL_DAILY, 'JPM.csv'), '--method', method, '--out', out]);
    expect(res.code, res.err).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.method).toBe(method);
    expect(doc.dates[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(doc.transmat.length).toBe(doc.states);
    expect(doc.durations.length).toBe(doc.states);
  });

  it('passes --penalty to the jump model and rejects it elsewhere', async () => {
    const spy = resolve(REAL_DAILY, 'SPY.csv');
    const ok = await run(['regime', spy, '--method', 'jump', '--penalty', '12']);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).penalty).toBe(12);
    expect((await run(['regime', spy, '--method', 'hmm', '--penalty', '1'])).err).toMatch(/--penalty applies to/);
    expect((await run(['regime', spy, '--method', 'jump', '--penalty', '-1'])).err).toMatch(/--penalty must be a number/);
    expect((await run(['regime', spy, '--method', 'bogus'])).err).toMatch(/"bogus" is unknown; supported: hmm, jump, rules, consensus/);
  });
});
