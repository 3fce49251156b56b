import { bool, literal, nullable, num, obj, type Schema, str } from './schema';
import { LOG_LEVELS, type LogLevel } from './logs';

export interface Settings {
  /** URL of the optional Node proxy, e.g. http://127.0.0.1:8787; null = not connected */
  proxyUrl: string | null;
  /** Demo mode shows the global DEMO banner and allows loading the seeded demo dataset. */
  demoMode: boolean;
  /** true once the user has made a first-run choice */
  onboarded: boolean;
  logLevel: LogLevel;
  /** default forward-return horizon in bars */
  horizon: number;
}

export const DEFAULT_SETTINGS: Settings = {
  proxyUrl: null,
  demoMode: false,
  onboarded: false,
  logLevel: 'INFO',
  horizon: 10,
};

export const settingsSchema: Schema<Settings> = obj({
  proxyUrl: nullable(str()),
  demoMode: bool(),
  onboarded: bool(),
  logLevel: literal(...LOG_LEVELS),
  horizon: num({ int: true, min: 1, max: 252 }),
});
