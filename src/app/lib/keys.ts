/**
 * Keyboard shortcut sequencing: "g" then a page letter within a timeout. Pure state
 * machine so it can be tested without a DOM: feed keys with their time, get an action.
 */
export type KeyAction =
  | { kind: 'goto'; letter: string }
  | { kind: 'toggle-sidebar' }
  | { kind: 'shortcuts' }
  | { kind: 'focus-search' }
  | { kind: 'none' };

export interface SequenceState {
  /** time the pending "g" was pressed, or null */
  gAt: number | null;
}

export const SEQUENCE_TIMEOUT_MS = 1500;

export function nextKey(state: SequenceState, key: string, at: number): { state: SequenceState; action: KeyAction } {
  if (state.gAt !== null && at - state.gAt <= SEQUENCE_TIMEOUT_MS) {
    if (/^[a-z]$/.test(key)) return { state: { gAt: null }, action: { kind: 'goto', letter: key } };
    return { state: { gAt: null }, action: { kind: 'none' } };
  }
  switch (key) {
    case 'g':
      return { state: { gAt: at }, action: { kind: 'none' } };
    case '[':
      return { state: { gAt: null }, action: { kind: 'toggle-sidebar' } };
    case '?':
      return { state: { gAt: null }, action: { kind: 'shortcuts' } };
    case '/':
      return { state: { gAt: null }, action: { kind: 'focus-search' } };
    default:
      return { state: { gAt: null }, action: { kind: 'none' } };
  }
}
