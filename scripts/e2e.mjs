#!/usr/bin/env node
// `npm run test:e2e`: make sure Chromium is there, then run the end-to-end suite alone.
// Extra arguments go to vitest (e.g. a file filter: npm run test:e2e -- palette).
import { spawnSync } from 'node:child_process';

const ch = spawnSync(process.execPath, ['scripts/ensure-chromium.mjs'], { stdio: 'inherit' });
if (ch.status !== 0) process.exit(ch.status ?? 1);
const r = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.e2e.config.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
