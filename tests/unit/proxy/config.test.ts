import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ORIGINS, DEFAULT_UPSTREAMS, defaultConfig, parseCli, validateConfig, validateUpstreamBase } from '../../../src/proxy/config';

describe('validateUpstreamBase (production rules)', () => {
  it('accepts the default public upstreams and normalises a trailing slash', () => {
    for (const [name, url] of Object.entries(DEFAULT_UPSTREAMS)) expect(validateUpstreamBase(name, url, false)).toBe(url);
    expect(validateUpstreamBase('k', 'https://api.elections.kalshi.com/trade-api/v2/', false)).toBe('https://api.elections.kalshi.com/trade-api/v2');
  });

  it.each([
    ['file:///etc/passwd', /scheme file:/],
    ['ftp://example.com', /scheme ftp:/],
    ['gopher://example.com', /scheme gopher:/],
    ['http://query1.finance.yahoo.com', /https only/],
    ['https://127.0.0.1', /loopback/],
    ['https://localhost:8080', /loopback/],
    ['https://[::1]/', /loopback/],
    ['https://10.0.0.8', /IP-literal/],
    ['https://192.168.1.1', /IP-literal/],
    ['https://169.254.169.254/latest/meta-data', /IP-literal/],
    ['https://[fd00::1]', /IP-literal/],
    ['https://2130706433', /loopback|IP-literal/],
    ['https://intranet', /looks private/],
    ['https://db.internal', /looks private/],
    ['https://user:pw@example.com', /credentials/],
    ['https://example.com/?x=1', /query or fragment/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, why) => {
    expect(() => validateUpstreamBase('yahoo', url, false)).toThrow(why);
  });

  it('lets tests use plain-http loopback only when explicitly allowed, and nothing else', () => {
    expect(validateUpstreamBase('yahoo', 'http://127.0.0.1:4567', true)).toBe('http://127.0.0.1:4567');
    expect(() => validateUpstreamBase('yahoo', 'http://127.0.0.1:4567', false)).toThrow(ConfigError);
    expect(() => validateUpstreamBase('yahoo', 'http://10.0.0.1', true)).toThrow(/https only/);
    expect(() => validateUpstreamBase('yahoo', 'file:///tmp/x', true)).toThrow(/scheme/);
  });
});

describe('validateConfig', () => {
  it('accepts the defaults', () => {
    const c = validateConfig(defaultConfig());
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8787);
    expect(c.origins).toEqual(DEFAULT_ORIGINS);
    expect(c.upstreamTimeoutMs).toBe(10_000);
    expect(c.maxUpstreamBytes).toBe(20 * 1024 * 1024);
  });

  it('refuses to listen beyond loopback and rejects malformed origins and bounds', () => {
    expect(() => validateConfig({ ...defaultConfig(), host: '0.0.0.0' })).toThrow(/only listens on loopback/);
    expect(() => validateConfig({ ...defaultConfig(), origins: ['http://localhost:5173/app'] })).toThrow(/nothing after/);
    expect(() => validateConfig({ ...defaultConfig(), origins: ['*'] })).toThrow(/not a URL/);
    expect(() => validateConfig({ ...defaultConfig(), maxUpstreamBytes: 0 })).toThrow(/maxUpstreamBytes/);
    expect(() => validateConfig({ ...defaultConfig(), maxRedirects: 50 })).toThrow(/maxRedirects/);
    expect(() => validateConfig({ ...defaultConfig(), upstreams: { ...DEFAULT_UPSTREAMS, stooq: 'http://127.0.0.1:1' } })).toThrow(/upstream stooq/);
  });
});

describe('parseCli', () => {
  it('reads flags over environment over defaults', () => {
    const o = parseCli(['--port', '9000', '--origin=http://localhost:3000, http://127.0.0.1:3000', '--timeout-ms', '2500'], {
      QE_PROXY_PORT: '7000',
      QE_PROXY_CACHE_DIR: '/tmp/qe-cache',
      QE_PROXY_KALSHI_BASE: 'https://demo-api.kalshi.co/trade-api/v2',
    });
    expect(o.config.port).toBe(9000);
    expect(o.config.origins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
    expect(o.config.upstreamTimeoutMs).toBe(2500);
    expect(o.config.cacheDir).toBe('/tmp/qe-cache');
    expect(o.config.upstreams.kalshi).toBe('https://demo-api.kalshi.co/trade-api/v2');
    expect(o.config.upstreams.yahoo).toBe(DEFAULT_UPSTREAMS.yahoo);
    expect(o.config.allowLoopbackUpstreams).toBe(false);
    expect(o.kalshiKey).toBeNull();
    expect(parseCli([], { QE_PROXY_PORT: '7000' }).config.port).toBe(7000);
  });

  it('puts the cache under XDG_CACHE_HOME by default', () => {
    expect(parseCli([], { XDG_CACHE_HOME: '/x/cache' }).config.cacheDir).toBe('/x/cache/quant-engine/proxy');
  });

  it('rejects unknown or malformed options, and a half-configured Kalshi key', () => {
    expect(() => parseCli(['--allow-loopback-upstreams'], {})).toThrow(/unknown option/);
    expect(() => parseCli(['--port', 'abc'], {})).toThrow(/integer/);
    expect(() => parseCli(['--port', '70000'], {})).toThrow(/0\.\.65535/);
    expect(() => parseCli(['--port'], {})).toThrow(/needs a value/);
    expect(() => parseCli(['stray'], {})).toThrow(/unexpected argument/);
    expect(() => parseCli([], { KALSHI_API_KEY_ID: 'abc' })).toThrow(/both/);
    const o = parseCli(['--kalshi-key-id', 'id-1', '--kalshi-key-file', '/k.pem'], {});
    expect(o.kalshiKey).toEqual({ keyId: 'id-1', file: '/k.pem' });
    expect(parseCli(['--help'], {}).help).toBe(true);
  });
});
