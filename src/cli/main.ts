import { type CliIo, type Command, UsageError } from './command';
import { COMMANDS } from './commands';

const stdio: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'qe — Quant Engine command line (the same engine as the browser app)',
    '',
    'Usage: qe <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `qe <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText(COMMANDS));
    return 0;
  }
  // Two-word commands ("options price", "kalshi distribution") are matched first.
  const two = rest.length > 0 ? COMMANDS.find((c) => c.name === `${name} ${rest[0]}`) : undefined;
  const cmd = two ?? COMMANDS.find((c) => c.name === name);
  const args = two ? rest.slice(1) : rest;
  if (!cmd) {
    io.err(`qe: unknown command "${name}"\n\n${helpText(COMMANDS)}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${cmd.summary}\n\nUsage: ${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`qe ${cmd.name}: ${e.message}\nUsage: ${cmd.usage}\n`);
      return 2;
    }
    io.err(`qe ${cmd.name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
