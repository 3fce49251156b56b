/**
 * Stable hashing: SHA-256 in pure TypeScript (synchronous, identical in browser, worker and
 * Node), used for seeds, checksums and manifest ids. Never salted, never time-based.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** Incremental SHA-256 so large column sets can be hashed without concatenating them. */
export class Sha256 {
  private h = new Int32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  private block = new Uint8Array(64);
  private blockLen = 0;
  private total = 0;
  private w = new Int32Array(64);

  update(data: Uint8Array): this {
    let i = 0;
    this.total += data.length;
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, data.length);
      this.block.set(data.subarray(0, take), this.blockLen);
      this.blockLen += take;
      i = take;
      if (this.blockLen === 64) {
        this.compress(this.block, 0);
        this.blockLen = 0;
      }
    }
    for (; i + 64 <= data.length; i += 64) this.compress(data, i);
    if (i < data.length) {
      this.block.set(data.subarray(i), 0);
      this.blockLen = data.length - i;
    }
    return this;
  }

  updateString(s: string): this {
    return this.update(new TextEncoder().encode(s));
  }

  digest(): Uint8Array {
    const bitLen = this.total * 8;
    const pad = new Uint8Array(((this.blockLen + 9 + 63) >> 6) * 64 - this.blockLen);
    pad[0] = 0x80;
    const dv = new DataView(pad.buffer);
    dv.setUint32(pad.length - 8, Math.floor(bitLen / 0x100000000));
    dv.setUint32(pad.length - 4, bitLen >>> 0);
    this.update(pad);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let j = 0; j < 8; j++) ov.setUint32(j * 4, this.h[j]);
    return out;
  }

  hex(): string {
    return toHex(this.digest());
  }

  private compress(buf: Uint8Array, off: number): void {
    const w = this.w;
    const H = this.h;
    for (let t = 0; t < 16; t++) {
      const j = off + t * 4;
      w[t] = (buf[j] << 24) | (buf[j + 1] << 16) | (buf[j + 2] << 8) | buf[j + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15];
      const y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    // Locals instead of destructuring keep the 64 rounds in registers (≈3× faster in V8).
    let a = H[0] | 0;
    let b = H[1] | 0;
    let c = H[2] | 0;
    let d = H[3] | 0;
    let e = H[4] | 0;
    let f = H[5] | 0;
    let g = H[6] | 0;
    let h = H[7] | 0;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + S0 + maj) | 0;
    }
    H[0] = (H[0] + a) | 0;
    H[1] = (H[1] + b) | 0;
    H[2] = (H[2] + c) | 0;
    H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0;
    H[5] = (H[5] + f) | 0;
    H[6] = (H[6] + g) | 0;
    H[7] = (H[7] + h) | 0;
  }
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

export function sha256Hex(input: string | Uint8Array): string {
  const h = new Sha256();
  return (typeof input === 'string' ? h.updateString(input) : h.update(input)).hex();
}

/** A 32-bit unsigned seed derived from a string key (first 4 bytes of its SHA-256). */
export function seedFromString(key: string): number {
  const d = new Sha256().updateString(key).digest();
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

/** JSON with sorted object keys, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Fast 128-bit content hash (four independent murmur3-style lanes over little-endian 32-bit
 * words). Not cryptographic: it identifies dataset contents for manifests and integrity
 * checks at memory speed, where SHA-256 in JavaScript would dominate an import.
 */
export class FastHash128 {
  private h1 = 0x9747b28c | 0;
  private h2 = 0x85ebca6b | 0;
  private h3 = 0xc2b2ae35 | 0;
  private h4 = 0x27d4eb2f | 0;
  private len = 0;

  update(bytes: Uint8Array): this {
    const n4 = bytes.length >>> 2;
    const aligned = (bytes.byteOffset & 3) === 0;
    const words = aligned
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, n4)
      : new Uint32Array(bytes.slice(0, n4 * 4).buffer);
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    let h4 = this.h4;
    for (let i = 0; i < n4; i++) {
      let k = Math.imul(words[i], 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h1 ^= k;
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
      h2 = (Math.imul(h2 ^ k, 0x85ebca77) + i) | 0;
      h2 = (h2 << 17) | (h2 >>> 15);
      h3 = Math.imul(h3 + k, 0xc2b2ae3d) ^ (h3 >>> 13);
      h4 = (Math.imul(h4 ^ (k >>> 7), 0x27d4eb2f) + h1) | 0;
    }
    for (let i = n4 * 4; i < bytes.length; i++) {
      h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
      h4 = Math.imul(h4 + bytes[i], 0x9e3779b1);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
    this.len += bytes.length;
    return this;
  }

  updateString(s: string): this {
    return this.update(new TextEncoder().encode(s));
  }

  hex(): string {
    const fmix = (h: number): number => {
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      return (h ^ (h >>> 16)) >>> 0;
    };
    const len = this.len | 0;
    let a = this.h1 ^ len;
    let b = this.h2 ^ len;
    let c = this.h3 ^ len;
    let d = this.h4 ^ len;
    // Cross-mix so every output word depends on every lane.
    a = (a + b + c + d) | 0;
    b = (b + a) | 0;
    c = (c + a) | 0;
    d = (d + a) | 0;
    a = fmix(a);
    b = fmix(b);
    c = fmix(c);
    d = fmix(d);
    a = (a + b + c + d) | 0;
    b = (b + a) | 0;
    c = (c + a) | 0;
    d = (d + a) | 0;
    return [a, b, c, d].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
  }
}

/** Checksum of typed-array columns (by their bytes, in name order, names and lengths included). */
export function checksumColumns(columns: Record<string, ArrayBufferView>): string {
  const h = new FastHash128();
  for (const name of Object.keys(columns).sort()) {
    const col = columns[name];
    h.updateString(`${name}:${col.byteLength};`);
    h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  }
  return h.hex();
}
