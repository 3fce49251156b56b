// The browser job-bench runner of `npm run bench` (entries are listed and documented in
// scripts/bench.mjs): each bench runs on a fresh browser profile, imports its inputs through
// the app's back end (data worker, like a user's import), submits its job through the same
// back end (the page is opened with `?qe-bench`, which exposes it as `window.__qeBench`), and
// times submit → terminal state from the job record and the page's clock. While the job runs
// it records main-thread long tasks (PerformanceObserver) and samples memory: the summed RSS
// of the Chromium processes this bench started (renderer = page + its workers) and the page's
// JS heap (CDP Performance.getMetrics).
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** pid → {ppid, rssBytes, type} of every process on the machine (Linux /proc). */
function processTable() {
  const out = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? (cmd.includes('chrom') ? 'browser' : 'other');
      out.set(Number(d), { ppid, rssBytes: rssKb * 1024, type });
    } catch {
      // the process ended while we read it: it holds no memory any more
    }
  }
  return out;
}

/** Summed RSS of this Node process's Chromium descendants, and of its renderers alone. */
export function chromiumRss() {
  const table = processTable();
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of table) {
      if (!mine.has(pid) && mine.has(p.ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  let renderers = 0;
  for (const pid of mine) {
    if (pid === process.pid) continue;
    const p = table.get(pid);
    if (!p) continue;
    total += p.rssBytes;
    if (p.type === 'renderer') renderers += p.rssBytes;
  }
  return { total, renderers };
}

/** Samples memory every `everyMs` until stopped; returns the peaks. */
function memorySampler(cdp, everyMs = 250) {
  const peak = { rssTotal: 0, rssRenderers: 0, jsHeapUsed: 0 };
  let stopped = false;
  const tick = async () => {
    while (!stopped) {
      const r = chromiumRss();
      peak.rssTotal = Math.max(peak.rssTotal, r.total);
      peak.rssRenderers = Math.max(peak.rssRenderers, r.renderers);
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        peak.jsHeapUsed = Math.max(peak.jsHeapUsed, heap);
      } catch (e) {
        if (!stopped) throw e;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const running = tick();
  return async () => {
    stopped = true;
    await running;
    const mb = (b) => Math.round(b / 1024 / 104.8576) / 10;
    return { peakRssTotalMb: mb(peak.rssTotal), peakRssRenderersMb: mb(peak.rssRenderers), peakMainJsHeapMb: mb(peak.jsHeapUsed) };
  };
}

/** Opens a fresh profile on the app with the bench hook and the first-run screen skipped. */
export async function openBenchPage(browser, url, { pool } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(new URL(`/data-explorer?qe-bench${pool ? `&qe-pool=${pool}` : ''}`, url).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 60_000 });
  const firstRun = page.getByTestId('first-run');
  if (await firstRun.isVisible().catch(() => false)) {
    await page.getByTestId('first-run-skip').click();
    await firstRun.waitFor({ state: 'detached', timeout: 10_000 });
  }
  await page.waitForFunction(() => Boolean(window.__qeBench), undefined, { timeout: 20_000 });
  // Long tasks on the main thread from now on (the page's own buffer may drop old entries).
  await page.evaluate(() => {
    window.__qeLongTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__qeLongTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  return { context, page, errors };
}

/** In the page: submit (or import) and wait for the job's terminal record. */
async function runInPage(page, what, timeoutMs) {
  return page.evaluate(
    async ({ what, timeoutMs, TERMINAL }) => {
      const b = window.__qeBench;
      const t0 = performance.now();
      let record;
      if (what.kind === 'import') {
        const files = what.files.map((f) => ({ blob: new Blob([f.text], { type: 'text/csv' }), name: f.name }));
        record = await b.importFiles(files);
      } else if (what.kind === 'seeded-import') {
        record = await b.importFiles(window.__qeSeeded(what.from, what.to, what.years, what.seed));
      } else {
        record = await b.submitJob({ type: what.type, params: what.params });
      }
      const deadline = t0 + timeoutMs;
      for (;;) {
        const r = await b.getJob(record.id);
        if (r && TERMINAL.includes(r.status)) {
          return { ms: performance.now() - t0, record: r };
        }
        if (performance.now() > deadline) return { ms: performance.now() - t0, record: r ?? record, timedOut: true };
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    { what, timeoutMs, TERMINAL },
  );
}

function describeRecord(r) {
  return `${r.type} ${r.id}: ${r.status}${r.error ? ` — ${r.error}` : ''}`;
}

/** Runs a job through the page; throws with the job's error unless it succeeded. */
export async function timedJob(page, what, timeoutMs) {
  const out = await runInPage(page, what, timeoutMs);
  if (out.timedOut) throw new Error(`${what.type ?? what.kind}: not finished within ${timeoutMs / 1000} s (${describeRecord(out.record)})`);
  if (out.record.status !== 'succeeded') throw new Error(describeRecord(out.record));
  const r = out.record;
  return {
    pageMs: Math.round(out.ms * 10) / 10,
    jobMs: r.startedAt && r.completedAt ? Date.parse(r.completedAt) - Date.parse(r.startedAt) : null,
    queuedMs: r.startedAt ? Date.parse(r.startedAt) - Date.parse(r.createdAt) : null,
    id: r.id,
    resultKey: r.resultKey ?? null,
  };
}

/**
 * The compute workers' `qe:*` performance measures of these jobs, summed per name (worker time,
 * summed across workers: e.g. `qe:features:compute` is the feature arithmetic alone).
 */
async function workerPhases(page, jobIds) {
  const sums = {};
  for (const w of page.workers().filter((x) => /compute\.worker/.test(x.url()))) {
    const measures = await w.evaluate(() =>
      performance
        .getEntriesByType('measure')
        .filter((m) => m.name.startsWith('qe:'))
        .map((m) => ({ name: m.name, duration: m.duration, jobId: m.detail?.jobId })),
    );
    for (const m of measures) {
      if (!jobIds.includes(m.jobId)) continue;
      if (!sums[m.jobId]) sums[m.jobId] = {};
      const s = sums[m.jobId];
      s[m.name] = (s[m.name] ?? 0) + m.duration;
    }
  }
  for (const s of Object.values(sums)) for (const k of Object.keys(s)) s[k] = Math.round(s[k] * 10) / 10;
  return sums;
}

/** Installs `window.__qeSeeded(from, to, years, seed)` → CSV Files of a seeded GBM universe. */
async function installSeededUniverse(page) {
  await page.evaluate(() => {
    // mulberry32: small, seeded, good enough for synthetic prices (bench input, not engine code)
    const rng = (seed) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const normal = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    window.__qeSeeded = (from, to, years, seed) => {
      const files = [];
      const days = [];
      const start = Date.UTC(2005, 0, 3);
      for (let d = 0; days.length < years * 252; d++) {
        const t = start + d * 86_400_000;
        const wd = new Date(t).getUTCDay();
        if (wd !== 0 && wd !== 6) days.push(new Date(t).toISOString().slice(0, 10));
      }
      for (let k = from; k < to; k++) {
        const r = rng(seed * 100_003 + k);
        const ticker = `S${String(k).padStart(3, '0')}`;
        const vol = 0.01 + 0.02 * r();
        const drift = 0.0002 * (r() - 0.3);
        let close = 20 + 180 * r();
        const lines = ['Date,Open,High,Low,Close,Volume'];
        for (const day of days) {
          const open = close * (1 + 0.2 * vol * normal(r));
          close = Math.max(0.5, close * Math.exp(drift + vol * normal(r)));
          const high = Math.max(open, close) * (1 + 0.5 * vol * r());
          const low = Math.min(open, close) * (1 - 0.5 * vol * r());
          const volume = Math.round(1e5 + 5e6 * r());
          lines.push(`${day},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${volume}`);
        }
        files.push({ blob: new Blob([lines.join('\n')], { type: 'text/csv' }), name: `${ticker}.csv` });
      }
      return files;
    };
  });
}

/** Imports a bench's inputs; returns the stored dataset ids and the import time. */
async function setUp(page, setup, dailyCsvDir) {
  const t0 = performance.now();
  if (setup.realDaily) {
    const names = readdirSync(dailyCsvDir).filter((f) => f.endsWith('.csv')).sort();
    const pick = setup.realDaily === 'all' ? names : names.filter((f) => setup.realDaily.includes(f.replace(/\.csv$/, '')));
    const files = pick.map((f) => ({ name: f, text: readFileSync(resolve(dailyCsvDir, f), 'utf8') }));
    await timedJob(page, { kind: 'import', files }, 300_000);
  }
  if (setup.seeded) {
    await installSeededUniverse(page);
    const { tickers, years, seed, batch = 50 } = setup.seeded;
    for (let from = 0; from < tickers; from += batch) {
      await timedJob(page, { kind: 'seeded-import', from, to: Math.min(tickers, from + batch), years, seed }, 600_000);
    }
  }
  const ids = await page.evaluate(async () => (await window.__qeBench.listDatasets()).map((d) => d.id).sort());
  return { datasetIds: ids, setupMs: Math.round(performance.now() - t0) };
}

/**
 * Runs one bench entry on a fresh profile: set-up, then each of its jobs in order, timed;
 * memory and long tasks are recorded over the jobs (not the set-up).
 */
export async function runJobBench(browser, url, bench, dailyCsvDir) {
  const { context, page, errors } = await openBenchPage(browser, url, { pool: bench.pool });
  try {
    const { datasetIds, setupMs } = await setUp(page, bench.setup ?? {}, dailyCsvDir);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const pool = await page.evaluate(() => window.__qeBench.workerStatus());
    await page.evaluate(() => {
      window.__qeLongTasks = [];
    });
    const stopSampler = memorySampler(cdp);
    const jobs = [];
    let failure = null;
    try {
      for (const job of bench.jobs) {
        const req = job.request({ datasetIds });
        const t = await timedJob(page, { kind: 'job', type: req.type, params: req.params }, bench.timeoutMs ?? 300_000);
        jobs.push({ name: job.name, type: req.type, ...t });
        console.log(`  ${bench.name} · ${job.name}: ${t.pageMs} ms (job record ${t.jobMs} ms)`);
      }
    } catch (e) {
      failure = e;
    }
    const memory = await stopSampler();
    const longTasks = await page.evaluate(() => window.__qeLongTasks);
    const phases = await workerPhases(page, jobs.map((j) => j.id));
    for (const j of jobs) j.workerPhasesMs = phases[j.id] ?? {};
    if (failure) throw failure;
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ').slice(0, 500)}`);
    const totalMs = Math.round(jobs.reduce((s, j) => s + j.pageMs, 0) * 10) / 10;
    return {
      datasets: datasetIds.length,
      setupMs,
      pool: { size: pool.poolSize },
      jobs,
      totalMs,
      memory,
      longTasks: {
        over100ms: longTasks.filter((t) => t.duration > 100).length,
        over50ms: longTasks.length,
        maxMs: Math.round(Math.max(0, ...longTasks.map((t) => t.duration))),
      },
    };
  } finally {
    await context.close();
  }
}
