import type { Command } from '../command';
import { backtestCommand } from './backtest';
import { benchCommand } from './bench';
import { hestonCommand } from './heston';
import { ivSurfaceCommand } from './iv-surface';
import { optionsIvCommand, optionsPriceCommand } from './options';
import { sviCommand } from './svi';
import { featuresCommand } from './features';
import { regimeCommand } from './regime';
import { metricsCommand } from './metrics';
import { normalizeCommand } from './normalize';
import { qualityCommand } from './quality';
import { importCommand } from './import';
import { trainCommand } from './train';
import { predictCommand } from './predict';
import { kalshiCommand } from './kalshi';
import { autopilotCommand } from './autopilot';

/** Every `qe` sub-command, in the order `qe --help` lists them. Add new commands here. */
export const COMMANDS: readonly Command[] = [benchCommand, metricsCommand, qualityCommand, normalizeCommand, importCommand, featuresCommand, regimeCommand, optionsPriceCommand, optionsIvCommand, sviCommand, hestonCommand, ivSurfaceCommand, backtestCommand, trainCommand, predictCommand, kalshiCommand, autopilotCommand];
