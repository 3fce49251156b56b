/**
 * `npm run proxy` — starts the optional local data proxy. See `--help`.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, parseCli, USAGE } from './config';
import { startProxy } from './server';

async function main(argv: string[]): Promise<number> {
  let opts: ReturnType<typeof parseCli>;
  try {
    opts = parseCli(argv, process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`proxy: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = opts.config;
  if (opts.kalshiKey) {
    let pem: string;
    try {
      pem = readFileSync(opts.kalshiKey.file, 'utf8');
    } catch (e) {
      process.stderr.write(`proxy: cannot read the Kalshi key file ${opts.kalshiKey.file} (${(e as NodeJS.ErrnoException).code})\n`);
      return 2;
    }
    config.kalshiAuth = { keyId: opts.kalshiKey.keyId, privateKeyPem: pem };
  }
  try {
    const proxy = await startProxy(config);
    const stop = (signal: string) => {
      process.stderr.write(`proxy: ${signal}, shutting down\n`);
      proxy.close().then(
        () => process.exit(0),
        (e: unknown) => {
          process.stderr.write(`proxy: close failed: ${String(e)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    return -1;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`proxy: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      process.stderr.write(`proxy: port ${config.port} is in use; pass --port N or set QE_PROXY_PORT\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: the server is running; the process stays up until a signal.
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`proxy: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
