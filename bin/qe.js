#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so `npx qe` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// `qe normalize file.csv | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
