/**
 * Data integrity & survivorship checks, from catalog metadata and stored quality reports.
 * Datasets without a quality report (demo data, older imports) count as unchecked: they are
 * left out of the report-based checks and named in the detail, never treated as clean.
 */
import { band, type CheckDef, DAY_MS, mean, measured, pct, unavailable } from './check';
import type { HealthCheckItem, HealthDataset, HealthInputs } from './types';

const D = 'data_integrity' as const;
const YEAR_MS = 365.25 * DAY_MS;

export const DATA_CHECKS = {
  coverage: {
    id: 'coverage',
    name: 'History coverage',
    domain: D,
    severity: 'critical',
    methodology:
      'Share of stored datasets whose history spans enough time to estimate anything: ≥ 2 years for daily bars, ≥ 30 days for intraday bars (span = last − first bar).',
    thresholds: { daily_min_years: 2, intraday_min_days: 30, pass_share: 0.9, warn_share: 0.5 },
  },
  freshness: {
    id: 'cache_freshness',
    name: 'Data cache freshness',
    domain: D,
    severity: 'standard',
    methodology: 'Oldest cache age: days since any stored dataset was imported, fetched or generated.',
    thresholds: { pass_days: 7, warn_days: 21 },
  },
  quality: {
    id: 'quality_status',
    name: 'Quality report status',
    domain: D,
    severity: 'critical',
    methodology:
      'Verdicts of the stored quality reports (contract A.4) over checked datasets: any FAIL is serious, many WARNs reduce the score. Unchecked datasets are excluded and named.',
    thresholds: { pass_fail_share: 0, fail_fail_share: 0.2, warn_above_warn_share: 0.2 },
  },
  gaps: {
    id: 'calendar_gaps',
    name: 'Calendar gaps',
    domain: D,
    severity: 'standard',
    methodology: 'Mean fraction of expected weekdays missing across checked daily datasets (quality report `missing_weekday_fraction`).',
    thresholds: { pass_fraction: 0.01, warn_fraction: 0.05 },
  },
  splits: {
    id: 'suspected_splits',
    name: 'Unadjusted splits',
    domain: D,
    severity: 'standard',
    methodology: 'Share of checked datasets with at least one suspected unadjusted split (a close-to-close jump beyond ±40 %).',
    thresholds: { pass_share: 0, warn_share: 0.1 },
  },
  anomalies: {
    id: 'data_anomalies',
    name: 'Volume and stale-price anomalies',
    domain: D,
    severity: 'standard',
    methodology: 'Share of checked datasets with more than 25 % zero-volume bars or any stale-price run (≥ 5 identical closes).',
    thresholds: { zero_volume_fraction: 0.25, pass_share: 0.05, warn_share: 0.2 },
  },
  survivorship: {
    id: 'survivorship',
    name: 'Survivorship bias',
    domain: D,
    severity: 'critical',
    methodology:
      'A survivorship-free universe keeps delisted names and uses total-return (adjusted) prices. Delisted = last bar more than 1 year before the newest last bar of the universe. Both present → 90, one → 60, none → 30.',
    thresholds: { delisted_gap_days: 365, pass_flags: 2, warn_flags: 1 },
  },
} satisfies Record<string, CheckDef>;

function spanOk(d: HealthDataset): boolean {
  if (d.first === null || d.last === null) return false;
  const span = d.last - d.first;
  return d.timeframe === '1d' ? span >= 2 * YEAR_MS : span >= 30 * DAY_MS;
}

function names(ds: readonly HealthDataset[], max = 5): string {
  const shown = ds.slice(0, max).map((d) => d.id);
  return ds.length > max ? `${shown.join(', ')} … (+${ds.length - max})` : shown.join(', ');
}

function uncheckedNote(unchecked: readonly HealthDataset[]): string {
  return unchecked.length > 0 ? ` ${unchecked.length} dataset(s) have no quality report and are excluded: ${names(unchecked)}.` : '';
}

export function dataChecks(inp: HealthInputs): HealthCheckItem[] {
  const all = inp.datasets;
  const C = DATA_CHECKS;
  if (all.length === 0) {
    const why = 'No datasets are stored: import files, fetch live data or load the demo dataset.';
    return Object.values(C).map((def) => unavailable(def, why, 'Add data, then run the health check again.'));
  }
  const out: HealthCheckItem[] = [];

  // coverage
  const short = all.filter((d) => !spanOk(d));
  const covered = (all.length - short.length) / all.length;
  out.push(
    measured(C.coverage, {
      score: band(covered, [[(x) => x >= 0.9, 90], [(x) => x >= 0.5, 60]], 30),
      raw: covered,
      value: pct(covered, 0),
      detail: `${all.length - short.length}/${all.length} datasets span enough history.${short.length > 0 ? ` Short: ${names(short)}.` : ''}`,
      ...(short.length > 0 ? { recommendation: 'Import longer histories for the short datasets before training or backtesting on them.' } : {}),
    }),
  );

  // cache freshness
  const ages = all.map((d) => Math.max(0, (inp.now - d.storedAt) / DAY_MS));
  const oldest = Math.max(...ages);
  const oldestDs = all[ages.indexOf(oldest)];
  out.push(
    measured(C.freshness, {
      score: band(oldest, [[(x) => x <= 7, 90], [(x) => x <= 21, 60]], 30),
      raw: oldest,
      value: `${oldest.toFixed(1)} d`,
      detail: `Oldest cached dataset: ${oldestDs.id}, stored ${oldest.toFixed(1)} days ago.`,
      ...(oldest > 7 ? { recommendation: 'Re-import or re-fetch the oldest datasets.' } : {}),
    }),
  );

  const checked = all.filter((d) => d.report !== null);
  const unchecked = all.filter((d) => d.report === null);
  if (checked.length === 0) {
    const why = `No stored dataset has a quality report.${uncheckedNote(unchecked)}`;
    for (const def of [C.quality, C.gaps, C.splits, C.anomalies]) out.push(unavailable(def, why, 'Import data from files or the proxy: imports run the quality report.'));
  } else {
    const fails = checked.filter((d) => d.report?.status === 'fail');
    const warns = checked.filter((d) => d.report?.status === 'warn');
    const fs = fails.length / checked.length;
    const ws = warns.length / checked.length;
    const score = fs === 0 ? (ws <= 0.2 ? 90 : 65) : fs < 0.2 ? 40 : 15;
    out.push(
      measured(C.quality, {
        score,
        raw: fs,
        value: `${fails.length} fail · ${warns.length} warn`,
        detail: `${checked.length} checked: ${fails.length} FAIL${fails.length ? ` (${names(fails)})` : ''}, ${warns.length} WARN.${uncheckedNote(unchecked)}`,
        ...(fails.length > 0 ? { recommendation: 'Open the failing datasets in Data Explorer and fix or replace them.' } : {}),
      }),
    );

    const daily = checked.filter((d) => d.timeframe === '1d' && d.report?.missingWeekdayFraction !== null);
    if (daily.length === 0) out.push(unavailable(C.gaps, 'No checked daily dataset reports a missing-weekday fraction.'));
    else {
      const m = mean(daily.map((d) => d.report?.missingWeekdayFraction ?? 0));
      const runs = daily.reduce((s, d) => s + (d.report?.gapRuns ?? 0), 0);
      out.push(
        measured(C.gaps, {
          score: band(m, [[(x) => x < 0.01, 85], [(x) => x < 0.05, 55]], 25),
          raw: m,
          value: pct(m, 2),
          detail: `Mean missing-weekday fraction ${pct(m, 2)} over ${daily.length} daily datasets; ${runs} gap run(s) of ≥ 3 weekdays.`,
        }),
      );
    }

    const split = checked.filter((d) => (d.report?.suspectedSplits ?? 0) > 0);
    const ss = split.length / checked.length;
    out.push(
      measured(C.splits, {
        score: band(ss, [[(x) => x === 0, 90], [(x) => x < 0.1, 55]], 25),
        raw: ss,
        value: `${split.length}/${checked.length}`,
        detail: split.length > 0 ? `Suspected unadjusted splits in ${names(split)}.` : `No suspected splits in ${checked.length} checked datasets.`,
        ...(split.length > 0 ? { recommendation: 'Use split-adjusted prices (an adjusted-close column) for these tickers.' } : {}),
      }),
    );

    const odd = checked.filter((d) => {
      const r = d.report;
      if (!r) return false;
      return (r.rows > 0 && r.zeroVolumeRows / r.rows > 0.25) || r.staleRuns > 0;
    });
    const os = odd.length / checked.length;
    out.push(
      measured(C.anomalies, {
        score: band(os, [[(x) => x < 0.05, 85], [(x) => x < 0.2, 55]], 25),
        raw: os,
        value: pct(os, 0),
        detail: odd.length > 0 ? `Anomalous datasets: ${names(odd)}.` : `No volume or stale-price anomalies in ${checked.length} checked datasets.`,
      }),
    );
  }

  // survivorship: universe flags
  const lasts = all.map((d) => d.last).filter((x): x is number => x !== null);
  if (lasts.length === 0) out.push(unavailable(C.survivorship, 'No dataset has any bars.'));
  else {
    const asOf = Math.max(...lasts);
    const delisted = all.filter((d) => d.last !== null && d.last < asOf - 365 * DAY_MS);
    const totalReturn = checked.length > 0 && checked.every((d) => d.report?.adjCloseUsed === true);
    const flags = (delisted.length > 0 ? 1 : 0) + (totalReturn ? 1 : 0);
    out.push(
      measured(C.survivorship, {
        score: flags === 2 ? 90 : flags === 1 ? 60 : 30,
        raw: flags,
        value: `${flags}/2 flags`,
        detail:
          `${delisted.length} delisted/ended ticker(s) in the universe${delisted.length ? ` (${names(delisted)})` : ''}; ` +
          `total-return prices ${totalReturn ? 'used by every checked dataset' : checked.length === 0 ? 'unknown (no quality reports)' : 'not used by every checked dataset'}.`,
        ...(flags < 2
          ? { recommendation: 'Include tickers that were delisted during the period and import adjusted (total-return) closes.' }
          : {}),
      }),
    );
  }
  return out;
}
