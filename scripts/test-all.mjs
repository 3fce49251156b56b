#!/usr/bin/env node
// `npm test`: type check, lint, unit/property tests, end-to-end tests in headless Chromium.
// Ends with one line "N passed, N failed" summing every suite (type check and lint count as one test each).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = [];
mkdirSync('test-results', { recursive: true });

function run(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  console.log(`=== ${name}: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status ?? 1;
}

function vitestSuite(name, config, jsonFile) {
  rmSync(jsonFile, { force: true });
  const code = run(name, 'npx', ['vitest', 'run', '-c', config, '--reporter=default', '--reporter=json', `--outputFile=${jsonFile}`]);
  if (!existsSync(jsonFile)) {
    results.push({ name, passed: 0, failed: 1 });
    return;
  }
  const j = JSON.parse(readFileSync(jsonFile, 'utf8'));
  // A suite that fails to load has no test results but a failed suite; count it.
  const failedSuites = (j.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
  results.push({ name, passed: j.numPassedTests, failed: j.numFailedTests + failedSuites + (code !== 0 && j.numFailedTests + failedSuites === 0 ? 1 : 0) });
}

const onlyUnit = process.argv.includes('--unit');
const tc = run('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
results.push({ name: 'typecheck', passed: tc === 0 ? 1 : 0, failed: tc === 0 ? 0 : 1 });
const lint = run('lint', 'npx', ['biome', 'lint', 'src', 'tests', 'scripts']);
results.push({ name: 'lint', passed: lint === 0 ? 1 : 0, failed: lint === 0 ? 0 : 1 });
vitestSuite('unit', 'vitest.config.ts', 'test-results/unit.json');
if (!onlyUnit) {
  const ch = run('chromium', 'node', ['scripts/ensure-chromium.mjs']);
  if (ch !== 0) results.push({ name: 'e2e (no chromium)', passed: 0, failed: 1 });
  else vitestSuite('e2e', 'vitest.e2e.config.ts', 'test-results/e2e.json');
}

console.log('\nSuites:');
for (const r of results) console.log(`  ${r.name.padEnd(20)} ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
