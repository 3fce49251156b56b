import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Command, parseArgs } from '../command';
import { BENCH_STAGES } from '../bench/stages';

export interface StageResult {
  name: string;
  ms: number;
  runs: number;
  targetMs?: number;
  pass?: boolean;
  extra?: Record<string, number | string>;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run engine benchmark stages and print their timings as JSON',
  usage: 'qe bench [--runs N] [--only <substring>] [--out <file.json>]',
  async run(args, io) {
    const { flags } = parseArgs(args, { flags: ['runs', 'only', 'out'] });
    const runs = Math.max(1, Number(flags.runs ?? 3));
    const stages = BENCH_STAGES.filter((s) => !flags.only || s.name.includes(flags.only));
    const results: StageResult[] = [];
    for (const stage of stages) {
      let best = Number.POSITIVE_INFINITY;
      let extra: Record<string, number | string> | undefined;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        extra = await stage.run();
        best = Math.min(best, performance.now() - t0);
      }
      results.push({
        name: stage.name,
        ms: Math.round(best * 100) / 100,
        runs,
        ...(stage.targetMs !== undefined ? { targetMs: stage.targetMs, pass: best <= stage.targetMs } : {}),
        ...(extra ? { extra } : {}),
      });
    }
    const report = { runtime: `node ${process.version}`, stages: results };
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (flags.out) {
      mkdirSync(dirname(flags.out), { recursive: true });
      writeFileSync(flags.out, text);
    }
    io.out(text);
    return 0;
  },
};
