/**
 * Fuzzy-ish matching for the command palette: every query character must appear in order
 * in the label (case-insensitive). Contiguous runs, word starts and early matches score
 * higher. Returns null when the label does not match.
 */
export function fuzzyScore(query: string, label: string): number | null {
  const q = query.trim().toLowerCase();
  if (q === '') return 0;
  const l = label.toLowerCase();
  let score = 0;
  let li = 0;
  let prev = -2;
  for (const ch of q) {
    if (ch === ' ') continue;
    const found = l.indexOf(ch, li);
    if (found < 0) return null;
    score += 1;
    if (found === prev + 1) score += 3;
    if (found === 0 || l[found - 1] === ' ' || l[found - 1] === '&' || l[found - 1] === '-') score += 2;
    prev = found;
    li = found + 1;
  }
  // Prefer labels where the match starts early and that are short.
  const first = l.indexOf(q.replace(/ /g, '')[0] ?? '');
  return score - first * 0.05 - l.length * 0.01;
}

/** Items matching `query`, best first; stable for equal scores. Empty query keeps the input order. */
export function fuzzyFilter<T>(items: readonly T[], query: string, label: (item: T) => string): T[] {
  if (query.trim() === '') return [...items];
  const scored: { item: T; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = fuzzyScore(query, label(item));
    if (score !== null) scored.push({ item, score, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
