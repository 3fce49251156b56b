import type { Command } from '../command';
import { benchCommand } from './bench';

/** Every `qe` sub-command, in the order `qe --help` lists them. Add new commands here. */
export const COMMANDS: readonly Command[] = [benchCommand];
