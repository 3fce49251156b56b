import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, checksumColumns, seedFromString, Sha256, sha256Hex } from '../../../src/engine/core/hash';
import { Prng } from '../../../src/engine/core/prng';

describe('sha256', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('gives the same digest however the input is chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const k = Math.min(cut, bytes.length);
        const chunked = new Sha256().update(bytes.subarray(0, k)).update(bytes.subarray(k)).hex();
        expect(chunked).toBe(sha256Hex(bytes));
      }),
    );
  });

  it('derives stable seeds', () => {
    expect(seedFromString('abc')).toBe(0xba7816bf);
  });
});

describe('canonicalJson', () => {
  it('sorts keys and drops undefined so equal values serialise equally', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(canonicalJson({ x: Number.NaN })).toBe('{"x":null}');
  });
});

describe('checksumColumns', () => {
  const col = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  it('is deterministic and sensitive to any change of value, name or order of bytes', () => {
    const a = col(1000, (i) => i * 0.25);
    const base = checksumColumns({ close: a, open: a });
    expect(checksumColumns({ open: a.slice(), close: a.slice() })).toBe(base);
    const b = a.slice();
    b[500] += 1e-9;
    expect(checksumColumns({ close: b, open: a })).not.toBe(base);
    expect(checksumColumns({ close: a, high: a })).not.toBe(base);
    expect(checksumColumns({ close: a.subarray(1), open: a })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{32}$/);
  });

  it('has no collisions on many small random columns', () => {
    const seen = new Set<string>();
    const rng = new Prng(7);
    for (let i = 0; i < 2000; i++) seen.add(checksumColumns({ x: col(8, () => rng.normal()) }));
    expect(seen.size).toBe(2000);
  });
});

describe('Prng', () => {
  it('replays the same stream for the same seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const sa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(sa);
  });

  it('produces uniforms in [0,1) and standard normals with the right moments', () => {
    const r = new Prng(1);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('permutation is a permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.nat(), (n, seed) => {
        const p = Array.from(new Prng(seed).permutation(n)).sort((x, y) => x - y);
        expect(p).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });
});
