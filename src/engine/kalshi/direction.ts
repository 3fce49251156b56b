/**
 * Direction of a threshold market (distribution.py): which way a contract's "yes" points.
 * `ge` = the contract pays if X ≥ k (survival curve); `le` = pays if X ≤ k (CDF).
 * Order of evidence: explicit direction / payout structure (high confidence), rules-text
 * regex (medium), title/subtitle regex (low), else unresolved.
 */

export type Direction = 'ge' | 'le';
export type DirectionSource = 'explicit' | 'rules_text' | 'title' | 'unresolved';
export type DirectionConfidence = 'high' | 'medium' | 'low' | 'none';

export interface DirectionResolution {
  direction: Direction | null;
  source: DirectionSource;
  confidence: DirectionConfidence;
}

const GE_WORDS = new Set(['ge', 'gte', '>=', 'above', 'over', 'greater', 'greater_or_equal', 'at_least']);
const LE_WORDS = new Set(['le', 'lte', '<=', 'below', 'under', 'less', 'less_or_equal', 'at_most']);
// Word boundaries so "overall" or "underlying" do not count as over/under.
const GE_RE = />=|\babove\b|\bover\b|\bgreater than\b|\bat least\b|\bor higher\b/i;
const LE_RE = /<=|\bbelow\b|\bunder\b|\bless than\b|\bat most\b|\bor lower\b/i;

/** An explicit direction word (direction or payout_structure field), or null. */
export function explicitDirection(word: string): Direction | null {
  const w = word.trim().toLowerCase();
  if (GE_WORDS.has(w)) return 'ge';
  if (LE_WORDS.has(w)) return 'le';
  return null;
}

/** Direction from free text: ge wording wins when both appear (as the source checks ge first). */
export function textDirection(text: string): Direction | null {
  if (GE_RE.test(text)) return 'ge';
  if (LE_RE.test(text)) return 'le';
  return null;
}

export function resolveDirection(
  first: { direction: string; payout_structure: string },
  market: { rules_text: string; title: string; subtitle: string },
): DirectionResolution {
  const explicit = explicitDirection(first.direction) ?? explicitDirection(first.payout_structure);
  if (explicit) return { direction: explicit, source: 'explicit', confidence: 'high' };
  const rules = textDirection(market.rules_text);
  if (rules) return { direction: rules, source: 'rules_text', confidence: 'medium' };
  const title = textDirection(`${market.title} ${market.subtitle}`);
  if (title) return { direction: title, source: 'title', confidence: 'low' };
  return { direction: null, source: 'unresolved', confidence: 'none' };
}
