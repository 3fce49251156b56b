import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autopilotCommand } from '../../../src/cli/commands/autopilot';
import { UsageError } from '../../../src/cli/command';

const REAL = '../shared/data/real/daily/csv';
const dir = mkdtempSync(join(tmpdir(), 'qe-autopilot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await autopilotCommand.run(args, { out: (t) => (out += t), err: () => undefined });
  return { code, out };
}

describe('qe autopilot', () => {
  it('prints the cycle report, persists registry and paper state with --out, and --dry-run leaves them alone', async () => {
    const files = ['PG', 'JNJ', 'XOM'].map((t) => `${REAL}/${t}.csv`);
    const a = await run([...files, '--heuristic', '--adjust-splits', '--out', dir, '--capital', '500000']);
    expect(a.code).toBe(0);
    const report = JSON.parse(a.out);
    expect(report.predictor).toBe('heuristic');
    expect(report.n_candidates).toBe(36);
    expect(report.decisions).toHaveLength(36);
    expect(report.universe).toEqual(['JNJ', 'PG', 'XOM']);
    expect(report.manifest.params.dry_run).toBe(false);
    const paper = JSON.parse(readFileSync(join(dir, 'paper_state.json'), 'utf8'));
    expect(paper.initial_capital).toBe(500000);
    expect(paper.cycle_dates).toHaveLength(1);
    const registry = JSON.parse(readFileSync(join(dir, 'strategy_registry.json'), 'utf8'));
    expect(registry.history).toHaveLength(36);
    expect(JSON.parse(readFileSync(join(dir, 'latest_cycle.json'), 'utf8')).decisions).toHaveLength(36);

    const b = await run([...files, '--heuristic', '--adjust-splits', '--out', dir, '--dry-run']);
    expect(JSON.parse(b.out).dry_run).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'strategy_registry.json'), 'utf8')).history).toHaveLength(36);
    expect(existsSync(join(dir, 'strategy_registry.json.tmp'))).toBe(false);
  }, 120_000);

  it('rejects bad arguments with usage errors', async () => {
    await expect(run([])).rejects.toBeInstanceOf(UsageError);
    await expect(run([`${REAL}/PG.csv`, '--horizon', '0'])).rejects.toThrow(/--horizon/);
    await expect(run([`${REAL}/PG.csv`, '--heuristic', '--ensemble'])).rejects.toThrow(/exclude/);
    await expect(run([`${REAL}/PG.csv`, '--capital', '-5'])).rejects.toThrow(/--capital/);
  });
});
