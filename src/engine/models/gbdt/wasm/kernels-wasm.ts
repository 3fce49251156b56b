/**
 * The GBDT hot loops as WebAssembly (see asm.ts for why). Each kernel has a JavaScript twin
 * in kernels-js.ts computing the same numbers, so both paths give bit-identical results;
 * tests check that. Pointers are byte offsets into the shared memory.
 *
 * Unweighted histograms are exact: each row's gradient is quantised once per tree to an
 * integer q = round(g·2^e) (2^e chosen so the bag's Σ|q| ≤ 2^38, i.e. a resolution near
 * float32 for ~10^5 rows) and packed with a count of one as q + 2^40 in an i64, so one
 * 8-byte add per (row, feature) accumulates both the gradient sum (low 40 bits, two's
 * complement) and the row count (high 24 bits, < 2^24 rows), in any order, without rounding.
 * Weighted histograms keep (gradient, hessian, count) as f64 triples.
 */
import { assembleModule, type Expr, F64, Func, f64, I32, I64, i32, i64, select } from './asm';

export const HIST_BINS = 256;
export const MISSING_BIN = 255;
/** 2^40: the count unit of a packed quantised histogram bin */
export const COUNT_UNIT = 1099511627776;
/** rows a quantised histogram can count (2^24) */
export const MAX_QUANTISED_ROWS = 16777216;
/** bound on Σ|q| over a tree's bag (2^38) */
export const QUANTISED_ABS_SUM = 274877906944;
/** bytes per feature in a quantised / weighted histogram */
export const QFEAT_BYTES = HIST_BINS * 8;
export const WFEAT_BYTES = HIST_BINS * 24;

function quantise(): Func {
  // (q, grad, n, scale): q[i] = nearest(grad[i]·scale) + 2^40
  const f = new Func('quant', [I32, I32, I32, F64], null);
  const [q, grad, n, scale] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  f.forRange(k, i32.c(0), G(n), () => {
    f.storeI64(
      i32.add(G(q), i32.shl(G(k), i32.c(3))),
      i64.add(i64.truncF64S(f64.nearest(f64.mul(f64.load(i32.add(G(grad), i32.shl(G(k), i32.c(3)))), G(scale)))), i64.c(COUNT_UNIT)),
    );
  });
  return f;
}

function histQuantised(): Func {
  // (dst, binned, n, F, q, part, start, stop, og, identity): identity = 1 when the rows are
  // exactly 0..n−1 in order (the root without subsampling): no gather, sequential reads.
  const f = new Func('histQ', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], null);
  const [dst, binned, n, F, q, part, start, stop, og, identity] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const m = f.local(I32);
  const j = f.local(I32);
  const r = f.local(I32);
  const pp = f.local(I32);
  const h0 = f.local(I32);
  const a = f.local(I32);
  const g = f.local(I64);
  const U = 8;
  const cols = Array.from({ length: U }, () => f.local(I32));
  f.set(m, i32.sub(G(stop), G(start)));
  f.set(pp, i32.add(G(part), i32.shl(G(start), i32.c(2))));
  f.ifElse(i32.eqz(G(identity)), () => {
    f.forRange(k, i32.c(0), G(m), () => {
      f.storeI64(
        i32.add(G(og), i32.shl(G(k), i32.c(3))),
        i64.load(i32.add(G(q), i32.shl(i32.load(i32.add(G(pp), i32.shl(G(k), i32.c(2)))), i32.c(3)))),
      );
    });
  });
  f.fill(G(dst), i32.c(0), i32.mul(G(F), i32.c(QFEAT_BYTES)));
  const pass = (width: number) => {
    for (let u = 0; u < width; u++) f.set(cols[u], i32.add(G(binned), i32.mul(i32.add(G(j), i32.c(u)), G(n))));
    f.set(h0, i32.add(G(dst), i32.mul(G(j), i32.c(QFEAT_BYTES))));
    const body = (seq: boolean) => {
      f.forRange(k, i32.c(0), G(m), () => {
        if (!seq) f.set(r, i32.load(i32.add(G(pp), i32.shl(G(k), i32.c(2)))));
        f.set(g, i64.load(i32.add(G(seq ? q : og), i32.shl(G(k), i32.c(3)))));
        for (let u = 0; u < width; u++) {
          f.set(a, i32.add(G(h0), i32.shl(i32.load8u(i32.add(G(cols[u]), G(seq ? k : r))), i32.c(3))));
          f.storeI64(G(a), i64.add(i64.load(G(a), u * QFEAT_BYTES), G(g)), u * QFEAT_BYTES);
        }
      });
    };
    f.ifElse(
      G(identity),
      () => body(true),
      () => body(false),
    );
  };
  // Eight features per pass over the node's rows (one row-index/gradient load feeds eight
  // histograms, 16 KB of bins: fits L1), then the remainder one at a time.
  f.set(j, i32.c(0));
  f.block((exit) => {
    f.loop((top) => {
      f.brIf(exit, i32.gtS(i32.add(G(j), i32.c(U)), G(F)));
      pass(U);
      f.set(j, i32.add(G(j), i32.c(U)));
      f.br(top);
    });
  });
  f.block((exit) => {
    f.loop((top) => {
      f.brIf(exit, i32.geS(G(j), G(F)));
      pass(1);
      f.set(j, i32.add(G(j), i32.c(1)));
      f.br(top);
    });
  });
  return f;
}

function subtractQuantised(): Func {
  // (dst, a, b, F): i64 dst = a − b over F features' bins
  const f = new Func('subQ', [I32, I32, I32, I32], null);
  const [dst, a, b, F] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const o = f.local(I32);
  f.forRange(k, i32.c(0), i32.mul(G(F), i32.c(HIST_BINS)), () => {
    f.set(o, i32.shl(G(k), i32.c(3)));
    f.storeI64(i32.add(G(dst), G(o)), i64.sub(i64.load(i32.add(G(a), G(o))), i64.load(i32.add(G(b), G(o)))));
  });
  return f;
}

/** Pushes (count, Σq) decoded from a packed cumulative i64 into f64 locals. */
function decode(f: Func, packed: Expr, cnt: ReturnType<Func['local']>, gq: ReturnType<Func['local']>, tmp: ReturnType<Func['local']>): void {
  const G = f.get.bind(f);
  // low 40 bits: Σq (sign-extended); the rest: count. Wrap-around of the sum is harmless.
  f.set(tmp, i64.shrS(i64.shl(packed, i64.c(24)), i64.c(24)));
  f.set(gq, f64.fromI64S(G(tmp)));
  f.set(cnt, f64.fromI64S(i64.shrU(i64.sub(packed, G(tmp)), i64.c(40))));
}

function totalsQuantised(): Func {
  // (hist, out): out[0] = Σq over feature 0's bins (f64, exact), out[1] = count
  const f = new Func('totalsQ', [I32, I32], null);
  const [hist, out] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const acc = f.local(I64);
  const tmp = f.local(I64);
  const cnt = f.local(F64);
  const gq = f.local(F64);
  f.set(acc, i64.c(0));
  f.forRange(k, i32.c(0), i32.c(HIST_BINS), () => {
    f.set(acc, i64.add(G(acc), i64.load(i32.add(G(hist), i32.shl(G(k), i32.c(3))))));
  });
  decode(f, G(acc), cnt, gq, tmp);
  f.storeF64(G(out), G(gq));
  f.storeF64(G(out), G(cnt), 8);
  return f;
}

/**
 * Best split of one feature's histogram (scikit-learn's two scans), given the node's totals.
 * gain = parentLoss + GL²/(HL+λ+ε) + GR²/(HR+λ+ε) with ε = 1e-15 (its `_split_gain`). Each
 * bin is first screened without division (num ≥ U·den with a 1e-9 slack, U = best − parentLoss),
 * and only survivors get the exact gain, so the result equals an exact scan.
 */
function scan(quantised: boolean): Func {
  // quantised: (hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out, invScale)
  // weighted:  same without invScale
  const types = [I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64, I32] as const;
  const f = new Func(quantised ? 'scanQ' : 'scanW', quantised ? [...types, F64] : [...types], I32);
  const [hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out] = f.params;
  const invScale = quantised ? f.params[13] : null;
  const G = f.get.bind(f);
  const b = f.local(I32);
  const a = f.local(I32);
  const found = f.local(I32);
  const best = f.local(F64);
  const gl = f.local(F64);
  const hl = f.local(F64);
  const nl = f.local(F64);
  const gr = f.local(F64);
  const hr = f.local(F64);
  const nr = f.local(F64);
  const gain = f.local(F64);
  const dl = f.local(F64);
  const dr = f.local(F64);
  const cum = f.local(I64);
  const tmp = f.local(I64);
  const cnt = f.local(F64);
  const gq = f.local(F64);
  f.set(found, i32.c(0));
  f.set(best, G(bestGain));
  const eps = f64.c(1e-15);
  const candidate = (missingLeft: number, cont: { depth: number }, exit: { depth: number }, firstSide: 'left' | 'right') => {
    const [n1, h1, n2, h2] = firstSide === 'left' ? [nl, hl, nr, hr] : [nr, hr, nl, hl];
    f.brIf(cont, f64.lt(G(n1), G(minLeaf)));
    f.brIf(exit, f64.lt(G(n2), G(minLeaf)));
    f.brIf(cont, f64.lt(G(h1), G(minHess)));
    f.brIf(exit, f64.lt(G(h2), G(minHess)));
    f.set(dl, f64.add(G(hl), G(l2)));
    f.set(dr, f64.add(G(hr), G(l2)));
    // Screen: GL²·dR + GR²·dL ≥ (max(best, minGain) − parentLoss)·dL·dR·(1 − 1e-9)
    f.brIf(
      cont,
      f64.lt(
        f64.add(f64.mul(f64.mul(G(gl), G(gl)), G(dr)), f64.mul(f64.mul(G(gr), G(gr)), G(dl))),
        f64.mul(f64.mul(f64.sub(f64.max(G(best), G(minGain)), G(parentLoss)), f64.mul(G(dl), G(dr))), f64.c(1 - 1e-9)),
      ),
    );
    f.set(
      gain,
      f64.sub(
        f64.sub(G(parentLoss), f64.mul(G(gl), f64.div(f64.neg(G(gl)), f64.add(f64.add(G(hl), G(l2)), eps)))),
        f64.mul(G(gr), f64.div(f64.neg(G(gr)), f64.add(f64.add(G(hr), G(l2)), eps))),
      ),
    );
    f.ifElse(i32.and(f64.gt(G(gain), G(best)), f64.gt(G(gain), G(minGain))), () => {
      f.set(best, G(gain));
      f.set(found, i32.c(1));
      f.storeF64(G(out), G(gain));
      f.storeF64(G(out), G(gl), 8);
      f.storeF64(G(out), G(hl), 16);
      f.storeF64(G(out), G(nl), 24);
      f.storeI32(G(out), G(b), 32);
      f.storeI32(G(out), i32.c(missingLeft), 36);
    });
  };
  const binAddr = (bin: Expr) => i32.add(G(hist), i32.mul(bin, i32.c(quantised ? 8 : 24)));
  // Left to right: missing values (last bin) stay on the right.
  f.set(cum, i64.c(0));
  f.set(gl, f64.c(0));
  f.set(hl, f64.c(0));
  f.set(nl, f64.c(0));
  f.forRange(b, i32.c(0), i32.add(i32.sub(G(nbnm), i32.c(1)), G(hasMissing)), (exit) => {
    f.block((cont) => {
      f.set(a, binAddr(G(b)));
      if (quantised && invScale) {
        f.set(cum, i64.add(G(cum), i64.load(G(a))));
        decode(f, G(cum), cnt, gq, tmp);
        f.set(nl, G(cnt));
        f.set(hl, G(cnt));
        f.set(gl, f64.mul(G(gq), G(invScale)));
      } else {
        f.set(nl, f64.add(G(nl), f64.load(G(a), 16)));
        f.set(hl, f64.add(G(hl), f64.load(G(a), 8)));
        f.set(gl, f64.add(G(gl), f64.load(G(a))));
      }
      f.set(nr, f64.sub(G(nNode), G(nl)));
      f.set(hr, f64.sub(G(sumH), G(hl)));
      f.set(gr, f64.sub(G(sumG), G(gl)));
      candidate(0, cont, exit, 'left');
    });
  });
  // Right to left (only with missing values): missing values go left.
  f.ifElse(G(hasMissing), () => {
    f.set(cum, i64.c(0));
    f.set(gr, f64.c(0));
    f.set(hr, f64.c(0));
    f.set(nr, f64.c(0));
    f.forDown(b, i32.sub(G(nbnm), i32.c(1)), i32.c(0), (exit) => {
      f.block((cont) => {
        f.set(a, binAddr(i32.add(G(b), i32.c(1))));
        if (quantised && invScale) {
          f.set(cum, i64.add(G(cum), i64.load(G(a))));
          decode(f, G(cum), cnt, gq, tmp);
          f.set(nr, G(cnt));
          f.set(hr, G(cnt));
          f.set(gr, f64.mul(G(gq), G(invScale)));
        } else {
          f.set(nr, f64.add(G(nr), f64.load(G(a), 16)));
          f.set(hr, f64.add(G(hr), f64.load(G(a), 8)));
          f.set(gr, f64.add(G(gr), f64.load(G(a))));
        }
        f.set(nl, f64.sub(G(nNode), G(nr)));
        f.set(hl, f64.sub(G(sumH), G(hr)));
        f.set(gl, f64.sub(G(sumG), G(gr)));
        candidate(1, cont, exit, 'right');
      });
    });
  });
  f.ret(G(found));
  return f;
}

function histWeighted(): Func {
  // (dst, binned, n, F, grad, hess, part, start, stop, og, oh): bins of (g, h, count) f64
  const f = new Func('histW', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], null);
  const [dst, binned, n, F, grad, hess, part, start, stop, og, oh] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const m = f.local(I32);
  const j = f.local(I32);
  const r = f.local(I32);
  const pp = f.local(I32);
  const c0 = f.local(I32);
  const h0 = f.local(I32);
  const a = f.local(I32);
  const b = f.local(I32);
  const g = f.local(F64);
  const h = f.local(F64);
  f.set(m, i32.sub(G(stop), G(start)));
  f.set(pp, i32.add(G(part), i32.shl(G(start), i32.c(2))));
  f.forRange(k, i32.c(0), G(m), () => {
    f.set(r, i32.shl(i32.load(i32.add(G(pp), i32.shl(G(k), i32.c(2)))), i32.c(3)));
    f.storeF64(i32.add(G(og), i32.shl(G(k), i32.c(3))), f64.load(i32.add(G(grad), G(r))));
    f.storeF64(i32.add(G(oh), i32.shl(G(k), i32.c(3))), f64.load(i32.add(G(hess), G(r))));
  });
  f.fill(G(dst), i32.c(0), i32.mul(G(F), i32.c(WFEAT_BYTES)));
  f.forRange(j, i32.c(0), G(F), () => {
    f.set(c0, i32.add(G(binned), i32.mul(G(j), G(n))));
    f.set(h0, i32.add(G(dst), i32.mul(G(j), i32.c(WFEAT_BYTES))));
    f.forRange(k, i32.c(0), G(m), () => {
      f.set(r, i32.load(i32.add(G(pp), i32.shl(G(k), i32.c(2)))));
      f.set(g, f64.load(i32.add(G(og), i32.shl(G(k), i32.c(3)))));
      f.set(h, f64.load(i32.add(G(oh), i32.shl(G(k), i32.c(3)))));
      f.set(b, i32.load8u(i32.add(G(c0), G(r))));
      f.set(a, i32.add(G(h0), i32.add(i32.shl(G(b), i32.c(4)), i32.shl(G(b), i32.c(3)))));
      f.storeF64(G(a), f64.add(f64.load(G(a)), G(g)));
      f.storeF64(G(a), f64.add(f64.load(G(a), 8), G(h)), 8);
      f.storeF64(G(a), f64.add(f64.load(G(a), 16), f64.c(1)), 16);
    });
  });
  return f;
}

function subtractF64(): Func {
  // (dst, a, b, len) — len in f64 elements
  const f = new Func('subW', [I32, I32, I32, I32], null);
  const [dst, a, b, len] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const o = f.local(I32);
  f.forRange(k, i32.c(0), G(len), () => {
    f.set(o, i32.shl(G(k), i32.c(3)));
    f.storeF64(i32.add(G(dst), G(o)), f64.sub(f64.load(i32.add(G(a), G(o))), f64.load(i32.add(G(b), G(o)))));
  });
  return f;
}

function partition(): Func {
  // (part, tmp, start, stop, col, binThr, missingLeft) → rows sent left (stable on both sides)
  const f = new Func('partition', [I32, I32, I32, I32, I32, I32, I32], I32);
  const [part, tmp, start, stop, col, binThr, missingLeft] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const r = f.local(I32);
  const b = f.local(I32);
  const left = f.local(I32);
  const nl = f.local(I32);
  const nr = f.local(I32);
  f.set(nl, i32.c(0));
  f.set(nr, i32.c(0));
  f.forRange(k, G(start), G(stop), () => {
    f.set(r, i32.load(i32.add(G(part), i32.shl(G(k), i32.c(2)))));
    f.set(b, i32.load8u(i32.add(G(col), G(r))));
    f.set(left, select(G(missingLeft), i32.leS(G(b), G(binThr)), i32.eq(G(b), i32.c(MISSING_BIN))));
    // Branch-free: write to both sides, advance one cursor.
    f.storeI32(i32.add(G(part), i32.shl(i32.add(G(start), G(nl)), i32.c(2))), G(r));
    f.storeI32(i32.add(G(tmp), i32.shl(G(nr), i32.c(2))), G(r));
    f.set(nl, i32.add(G(nl), G(left)));
    f.set(nr, i32.add(G(nr), i32.xor(G(left), i32.c(1))));
  });
  f.copy(i32.add(G(part), i32.shl(i32.add(G(start), G(nl)), i32.c(2))), G(tmp), i32.shl(G(nr), i32.c(2)));
  f.ret(G(nl));
  return f;
}

function addLeaf(): Func {
  // (raw, part, start, stop, value)
  const f = new Func('addLeaf', [I32, I32, I32, I32, F64], null);
  const [raw, part, start, stop, value] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const a = f.local(I32);
  f.forRange(k, G(start), G(stop), () => {
    f.set(a, i32.add(G(raw), i32.shl(i32.load(i32.add(G(part), i32.shl(G(k), i32.c(2)))), i32.c(3))));
    f.storeF64(G(a), f64.add(f64.load(G(a)), G(value)));
  });
  return f;
}

function predictBinned(): Func {
  // (raw, binned, n, rows, nRows, useRows, child, feat, binThr, missRight, value, depth)
  const f = new Func('predBinned', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], null);
  const [raw, binned, n, rows, nRows, useRows, child, feat, binThr, missRight, value, depth] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const r = f.local(I32);
  const i = f.local(I32);
  const d = f.local(I32);
  const b = f.local(I32);
  const q = f.local(I32);
  const a = f.local(I32);
  f.forRange(k, i32.c(0), G(nRows), () => {
    f.ifElse(
      G(useRows),
      () => f.set(r, i32.load(i32.add(G(rows), i32.shl(G(k), i32.c(2))))),
      () => f.set(r, G(k)),
    );
    f.set(i, i32.c(0));
    f.forRange(d, i32.c(0), G(depth), () => {
      f.set(q, i32.shl(G(i), i32.c(2)));
      f.set(b, i32.load8u(i32.add(G(binned), i32.add(i32.mul(i32.load(i32.add(G(feat), G(q))), G(n)), G(r)))));
      f.set(
        i,
        i32.add(
          i32.load(i32.add(G(child), G(q))),
          select(
            i32.load(i32.add(G(missRight), G(q))),
            i32.gtU(G(b), i32.load(i32.add(G(binThr), G(q)))),
            i32.eq(G(b), i32.c(MISSING_BIN)),
          ),
        ),
      );
    });
    f.set(a, i32.add(G(raw), i32.shl(G(r), i32.c(3))));
    f.storeF64(G(a), f64.add(f64.load(G(a)), f64.load(i32.add(G(value), i32.shl(G(i), i32.c(3))))));
  });
  return f;
}

/** Rows per prediction block: both NaN-resolved copies of a block (2·F·64·8 bytes) stay in L1/L2. */
export const PREDICT_BLOCK = 64;
/** Largest finite double: stands in for +∞ inputs so "missing" (+∞ in copy A) sorts above them. */
const MAX_FINITE = Number.MAX_VALUE;

/**
 * Forest prediction on raw values. X is column-major (n rows per column). Rows go in blocks
 * of PREDICT_BLOCK; each block is first copied twice with missing values resolved — copy A
 * (NaN → +∞, +∞ → MAX) for nodes that send missing values right, copy B (NaN → −∞) for nodes
 * that send them left — so the walk needs no NaN test: a row goes right iff x > thr. Nodes are
 * 16-byte records [thr f64 | col i32 | child i32]: col = byte offset of the node's column in the
 * block copies (copy chosen by the node's missing direction), child = byte offset of the left
 * child record (right = left + 16); a split that separates missing from present values has
 * thr = MAX; leaves point to themselves with thr = +∞. Trees are walked a block at a time
 * (records stay in L1), eight rows side by side (independent dependency chains); each row sums
 * baseline + tree outputs in tree order.
 */
function predictRaw(): Func {
  // (out, X, n, F, block, nodes, value, roots, depths, T, baseline); roots are record byte offsets,
  // `block` is scratch for the two copies (2·F·PREDICT_BLOCK f64)
  const f = new Func('predRaw', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64], null);
  const [out, X, n, F, block, nodes, value, roots, depths, T, baseline] = f.params;
  const G = f.get.bind(f);
  const B = PREDICT_BLOCK;
  const r0 = f.local(I32);
  const m = f.local(I32);
  const j = f.local(I32);
  const r = f.local(I32);
  const t = f.local(I32);
  const d = f.local(I32);
  const D = f.local(I32);
  const root = f.local(I32);
  const g = f.local(I32);
  const src = f.local(I32);
  const dA = f.local(I32);
  const dB = f.local(I32);
  const x = f.local(F64);
  const a = f.local(I32);
  const o = f.local(I32);
  const L = 8;
  const off = Array.from({ length: L }, () => f.local(I32));
  const xb = f.local(I32);
  const copyB = f.local(I32);
  f.set(copyB, i32.mul(G(F), i32.c(B * 8)));
  f.set(r0, i32.c(0));
  f.block((exit) => {
    f.loop((top) => {
      f.brIf(exit, i32.geS(G(r0), G(n)));
      f.set(m, G(n));
      f.set(m, i32.sub(G(m), G(r0)));
      f.ifElse(i32.gtS(G(m), i32.c(B)), () => f.set(m, i32.c(B)));
      // The two NaN-resolved copies of rows r0..r0+m, padded to a full block with zeros.
      f.forRange(j, i32.c(0), G(F), () => {
        f.set(src, i32.add(G(X), i32.shl(i32.add(i32.mul(G(j), G(n)), G(r0)), i32.c(3))));
        f.set(dA, i32.add(G(block), i32.mul(G(j), i32.c(B * 8))));
        f.set(dB, i32.add(G(dA), G(copyB)));
        f.forRange(r, i32.c(0), i32.c(B), () => {
          f.ifElse(
            i32.ltS(G(r), G(m)),
            () => f.set(x, f64.load(i32.add(G(src), i32.shl(G(r), i32.c(3))))),
            () => f.set(x, f64.c(0)),
          );
          const isNan = f64.ne(G(x), G(x));
          f.storeF64(
            i32.add(G(dA), i32.shl(G(r), i32.c(3))),
            select(f64.c(Number.POSITIVE_INFINITY), select(f64.c(MAX_FINITE), G(x), f64.eq(G(x), f64.c(Number.POSITIVE_INFINITY))), isNan),
          );
          f.storeF64(i32.add(G(dB), i32.shl(G(r), i32.c(3))), select(f64.c(Number.NEGATIVE_INFINITY), G(x), f64.ne(G(x), G(x))));
        });
      });
      f.forRange(r, i32.c(0), G(m), () => {
        f.storeF64(i32.add(G(out), i32.shl(i32.add(G(r0), G(r)), i32.c(3))), G(baseline));
      });
      f.forRange(t, i32.c(0), G(T), () => {
        f.set(root, i32.add(G(nodes), i32.load(i32.add(G(roots), i32.shl(G(t), i32.c(2))))));
        f.set(D, i32.load(i32.add(G(depths), i32.shl(G(t), i32.c(2)))));
        f.forRange(
          g,
          i32.c(0),
          G(m),
          () => {
            f.set(xb, i32.add(G(block), i32.shl(G(g), i32.c(3))));
            for (let u = 0; u < L; u++) f.set(off[u], G(root));
            f.forRange(d, i32.c(0), G(D), () => {
              for (let u = 0; u < L; u++) {
                f.set(a, G(off[u]));
                f.set(
                  off[u],
                  i32.add(
                    i32.add(G(nodes), i32.load(G(a), 12)),
                    i32.shl(f64.gt(f64.load(i32.add(G(xb), i32.load(G(a), 8)), u * 8), f64.load(G(a))), i32.c(4)),
                  ),
                );
              }
            });
            for (let u = 0; u < L; u++) {
              // Rows past the end of the last block are padding: their sums are not stored.
              f.ifElse(i32.ltS(i32.add(G(g), i32.c(u)), G(m)), () => {
                f.set(o, i32.add(G(out), i32.shl(i32.add(i32.add(G(r0), G(g)), i32.c(u)), i32.c(3))));
                f.storeF64(G(o), f64.add(f64.load(G(o)), f64.load(i32.add(G(value), i32.shrU(i32.sub(G(off[u]), G(nodes)), i32.c(1))))));
              });
            }
          },
          L,
        );
      });
      f.set(r0, i32.add(G(r0), i32.c(B)));
      f.br(top);
    });
  });
  return f;
}

function binColumn(): Func {
  // (dst u8, src f64, n, thr f64, nThr): bin = #thresholds strictly below x; NaN → 255.
  // Branch-free lower bound (the step count depends only on nThr), four rows side by side.
  const f = new Func('binColumn', [I32, I32, I32, I32, I32], null);
  const [dst, src, n, thr, nThr] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const len = f.local(I32);
  const half = f.local(I32);
  const L = 4;
  const base = Array.from({ length: L }, () => f.local(I32));
  const x = Array.from({ length: L }, () => f.local(F64));
  const thrAt = (i: Expr) => f64.load(i32.add(G(thr), i32.shl(i, i32.c(3))));
  const rows = (lanes: number) => {
    for (let u = 0; u < lanes; u++) {
      f.set(x[u], f64.load(i32.add(G(src), i32.shl(i32.add(G(k), i32.c(u)), i32.c(3)))));
      f.set(base[u], i32.c(0));
    }
    f.set(len, G(nThr));
    f.block((exit) => {
      f.loop((top) => {
        f.brIf(exit, i32.leS(G(len), i32.c(1)));
        f.set(half, i32.shrS(G(len), i32.c(1)));
        for (let u = 0; u < lanes; u++) {
          f.set(base[u], select(i32.add(G(base[u]), G(half)), G(base[u]), f64.lt(thrAt(i32.add(G(base[u]), G(half))), G(x[u]))));
        }
        f.set(len, i32.sub(G(len), G(half)));
        f.br(top);
      });
    });
    for (let u = 0; u < lanes; u++) {
      // + (thr[base] < x) when there is at least one threshold
      const bin = i32.add(G(base[u]), i32.and(f64.lt(thrAt(G(base[u])), G(x[u])), i32.gtS(G(nThr), i32.c(0))));
      f.storeU8(i32.add(G(dst), i32.add(G(k), i32.c(u))), select(i32.c(MISSING_BIN), bin, f64.ne(G(x[u]), G(x[u]))));
    }
  };
  f.set(k, i32.c(0));
  f.block((exit) => {
    f.loop((top) => {
      f.brIf(exit, i32.gtS(i32.add(G(k), i32.c(L)), G(n)));
      rows(L);
      f.set(k, i32.add(G(k), i32.c(L)));
      f.br(top);
    });
  });
  f.block((exit) => {
    f.loop((top) => {
      f.brIf(exit, i32.geS(G(k), G(n)));
      rows(1);
      f.set(k, i32.add(G(k), i32.c(1)));
      f.br(top);
    });
  });
  return f;
}

function gradients(): Func {
  // (grad, raw, y, n): grad = raw − y (squared error, hessian 1)
  const f = new Func('grad', [I32, I32, I32, I32], null);
  const [grad, raw, y, n] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const o = f.local(I32);
  f.forRange(k, i32.c(0), G(n), () => {
    f.set(o, i32.shl(G(k), i32.c(3)));
    f.storeF64(i32.add(G(grad), G(o)), f64.sub(f64.load(i32.add(G(raw), G(o))), f64.load(i32.add(G(y), G(o)))));
  });
  return f;
}

function gradientsWeighted(): Func {
  // (grad, hess, raw, y, w, n): grad = w·(raw − y), hess = w
  const f = new Func('gradW', [I32, I32, I32, I32, I32, I32], null);
  const [grad, hess, raw, y, w, n] = f.params;
  const G = f.get.bind(f);
  const k = f.local(I32);
  const o = f.local(I32);
  f.forRange(k, i32.c(0), G(n), () => {
    f.set(o, i32.shl(G(k), i32.c(3)));
    f.storeF64(
      i32.add(G(grad), G(o)),
      f64.mul(f64.load(i32.add(G(w), G(o))), f64.sub(f64.load(i32.add(G(raw), G(o))), f64.load(i32.add(G(y), G(o))))),
    );
    f.storeF64(i32.add(G(hess), G(o)), f64.load(i32.add(G(w), G(o))));
  });
  return f;
}

/**
 * In-place ascending sort of n doubles (no NaN) by LSD radix on their order-preserving 64-bit
 * keys (sign bit flipped for x ≥ 0, all bits for x < 0), 8 passes of 8 bits, skipping passes
 * where every key has the same digit. Equal to Float64Array.prototype.sort (−0 before +0).
 */
function sortF64(): Func {
  // (a, tmp, n, counts): a and tmp hold n f64, counts 256 i32
  const f = new Func('sortF64', [I32, I32, I32, I32], null);
  const [a, tmp, n, counts] = f.params;
  const G = f.get.bind(f);
  const i = f.local(I32);
  const shift = f.local(I32);
  const src = f.local(I32);
  const dst = f.local(I32);
  const t = f.local(I32);
  const d = f.local(I32);
  const pos = f.local(I32);
  const sum = f.local(I32);
  const c = f.local(I32);
  const k = f.local(I64);
  const m = f.local(I64);
  const sign = f.local(I64);
  f.set(sign, i64.shl(i64.c(1), i64.c(63)));
  const at = (base: Expr, idx: Expr) => i32.add(base, i32.shl(idx, i32.c(3)));
  const digit = (key: Expr) => i32.and(i64.wrap(i64.shrU(key, i64.fromI32U(G(shift)))), i32.c(255));
  const cnt = (dg: Expr) => i32.add(G(counts), i32.shl(dg, i32.c(2)));
  f.forRange(i, i32.c(0), G(n), () => {
    f.set(k, i64.load(at(G(a), G(i))));
    f.set(m, i64.shrS(G(k), i64.c(63)));
    f.storeI64(at(G(a), G(i)), i64.xor(G(k), i64.or(G(m), G(sign))));
  });
  f.set(src, G(a));
  f.set(dst, G(tmp));
  f.block((done) => {
    f.brIf(done, i32.leS(G(n), i32.c(1)));
    f.forRange(
      shift,
      i32.c(0),
      i32.c(64),
      () => {
        f.block((skip) => {
          f.fill(G(counts), i32.c(0), i32.c(1024));
          f.forRange(i, i32.c(0), G(n), () => {
            f.set(d, cnt(digit(i64.load(at(G(src), G(i))))));
            f.storeI32(G(d), i32.add(i32.load(G(d)), i32.c(1)));
          });
          f.brIf(skip, i32.eq(i32.load(cnt(digit(i64.load(G(src))))), G(n)));
          f.set(sum, i32.c(0));
          f.forRange(d, i32.c(0), i32.c(256), () => {
            f.set(c, i32.load(cnt(G(d))));
            f.storeI32(cnt(G(d)), G(sum));
            f.set(sum, i32.add(G(sum), G(c)));
          });
          f.forRange(i, i32.c(0), G(n), () => {
            f.set(k, i64.load(at(G(src), G(i))));
            f.set(t, cnt(digit(G(k))));
            f.set(pos, i32.load(G(t)));
            f.storeI32(G(t), i32.add(G(pos), i32.c(1)));
            f.storeI64(at(G(dst), G(pos)), G(k));
          });
          f.set(t, G(src));
          f.set(src, G(dst));
          f.set(dst, G(t));
        });
      },
      8,
    );
  });
  // Back to doubles, into a.
  f.forRange(i, i32.c(0), G(n), () => {
    f.set(k, i64.load(at(G(src), G(i))));
    f.set(m, i64.shrS(G(k), i64.c(63)));
    f.storeI64(at(G(a), G(i)), i64.xor(G(k), i64.or(i64.xor(G(m), i64.c(-1)), G(sign))));
  });
  return f;
}

let cached: Uint8Array | null = null;

/** The kernel module's bytes (assembled once per process). */
export function kernelModuleBytes(): Uint8Array {
  if (!cached) {
    cached = assembleModule([
      quantise(),
      histQuantised(),
      subtractQuantised(),
      totalsQuantised(),
      scan(true),
      scan(false),
      histWeighted(),
      subtractF64(),
      partition(),
      addLeaf(),
      predictBinned(),
      predictRaw(),
      binColumn(),
      gradients(),
      gradientsWeighted(),
      sortF64(),
    ]);
  }
  return cached;
}
