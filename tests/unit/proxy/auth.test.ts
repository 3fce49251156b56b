import { constants, generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyHealthSchema } from '../../../src/engine/contracts';
import { startProxy } from '../../../src/proxy/server';
import { FakeUpstream, startTestProxy, type TestProxy } from './helpers';

const KEY_ID = 'a1b2c3d4-key-id-0f9e8d7c';
let fake: FakeUpstream;
let tp: TestProxy;
let publicKeyPem: string;
let privateKeyPem: string;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  fake = await new FakeUpstream().start();
  tp = await startTestProxy(fake, { kalshiAuth: { keyId: KEY_ID, privateKeyPem } });
});

afterAll(async () => {
  await tp?.close();
  await fake?.close();
});

describe('Kalshi request signing (optional)', () => {
  it('signs Kalshi requests with RSA-PSS over timestamp + method + path (no query)', async () => {
    const n0 = fake.requests.length;
    const r = await tp.get('/v1/kalshi/markets?limit=5&status=open');
    expect(r.status).toBe(200);
    const sent = fake.requests.slice(n0);
    expect(sent).toHaveLength(1);
    const h = sent[0].headers;
    expect(h['kalshi-access-key']).toBe(KEY_ID);
    expect(h['kalshi-access-timestamp']).toBe(String(tp.clock.t));
    const message = `${tp.clock.t}GET/trade-api/v2/markets`;
    const ok = verify('sha256', Buffer.from(message), { key: publicKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, Buffer.from(String(h['kalshi-access-signature']), 'base64'));
    expect(ok).toBe(true);
  });

  it('sends no Kalshi credentials to other upstreams', async () => {
    const n0 = fake.requests.length;
    await tp.get('/v1/bars/yahoo?ticker=SPY');
    const h = fake.requests[n0].headers;
    expect(h['kalshi-access-key']).toBeUndefined();
    expect(h['kalshi-access-signature']).toBeUndefined();
  });

  it('never exposes the key id, signature or key in responses, health or logs', async () => {
    const health = await tp.get('/health');
    expect(proxyHealthSchema(health.body).kalshiAuth).toBe(true);
    const bodies = [JSON.stringify(health.body), JSON.stringify((await tp.get('/v1/kalshi/series')).body)];
    const signatures = fake.requests.map((q) => q.headers['kalshi-access-signature']).filter((s): s is string => typeof s === 'string');
    expect(signatures.length).toBeGreaterThan(0);
    const pemBody = privateKeyPem.split('\n')[1];
    const logText = tp.logs.join('\n');
    for (const text of [...bodies, logText]) {
      expect(text).not.toContain(KEY_ID);
      expect(text).not.toContain(pemBody);
      for (const s of signatures) expect(text).not.toContain(s);
    }
    expect(logText).toContain('"kalshiSigning":true');
  });

  it('refuses to start with an unreadable key without printing it', async () => {
    const bogus = '-----BEGIN PRIVATE KEY-----\nTk9UQUtFWU5PVEFLRVlOT1RBS0VZ\n-----END PRIVATE KEY-----\n';
    const err = await startProxy({ port: 0, cacheDir: tp.cacheDir, kalshiAuth: { keyId: KEY_ID, privateKeyPem: bogus } }, { log: () => undefined }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toContain('Kalshi private key could not be read');
    expect(err?.message).not.toContain('Tk9UQUtFWU5PVEFLRVlOT1RBS0VZ');
  });
});
