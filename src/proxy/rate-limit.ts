/**
 * Token buckets with reservations: `reserve()` takes a token now or books one in the future
 * (tokens may go negative) and says how long the caller must wait for it. A reservation is
 * refused when the wait would exceed `maxWaitMs`, so waiting is always bounded.
 */

export interface BucketSpec {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Maximum stored tokens (the burst). */
  burst: number;
}

export type Reservation = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number,
  ) {
    if (!(spec.ratePerSec > 0) || !(spec.burst >= 1)) {
      throw new Error(`token bucket needs ratePerSec > 0 and burst ≥ 1 (got ${spec.ratePerSec}, ${spec.burst})`);
    }
    this.tokens = spec.burst;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.tokens = Math.min(this.spec.burst, this.tokens + elapsed * this.spec.ratePerSec);
    this.last = t;
  }

  /** Takes one token, waiting at most `maxWaitMs` for it. */
  reserve(maxWaitMs = 0): Reservation {
    this.refill();
    const deficit = 1 - this.tokens;
    const waitMs = deficit <= 0 ? 0 : (deficit / this.spec.ratePerSec) * 1000;
    if (waitMs > maxWaitMs) return { ok: false, retryAfterMs: waitMs };
    this.tokens -= 1;
    return { ok: true, waitMs };
  }

  /** Tokens currently available (for tests and health). */
  available(): number {
    this.refill();
    return this.tokens;
  }
}

/** One bucket per key (client address), at most `maxKeys` kept: the oldest key is dropped. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly spec: BucketSpec,
    private readonly now: () => number,
    private readonly maxKeys = 1024,
  ) {}

  reserve(key: string, maxWaitMs = 0): Reservation {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = new TokenBucket(this.spec, this.now);
      this.buckets.set(key, b);
    }
    return b.reserve(maxWaitMs);
  }
}
