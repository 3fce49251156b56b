/** One `qe` sub-command. `run` returns the process exit code; output goes through `io`. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Error whose message is shown to the user as-is (no stack), exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `--flag value` / `--flag=value` / `--switch` options and positional arguments. */
export function parseArgs(
  args: string[],
  spec: { flags?: readonly string[]; switches?: readonly string[] } = {},
): { positional: string[]; flags: Record<string, string>; switches: Set<string> } {
  const flags: Record<string, string> = {};
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (spec.switches?.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      switches.add(name);
    } else if (spec.flags?.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { positional, flags, switches };
}
