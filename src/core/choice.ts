// Choosing several values from a list (topics, wards), the same way in every flow: tick one at a
// time (buttons), pick a whole selection at once (a numbered reply), take all, or go on with what
// is ticked. Nothing chosen means all.

export interface Option {
  value: string;
  label: string;
  selected: boolean;
}

export type ChoiceInput =
  /** Ticks or unticks one value. */
  | { kind: 'toggle'; value: string }
  /** A whole selection at once, then the next step; [] means all. */
  | { kind: 'pick'; values: string[] }
  /** All of them, then the next step. */
  | { kind: 'all' }
  /** Done choosing: the next step with what is ticked. */
  | { kind: 'next' };

export type ChoiceOutcome =
  /** Still choosing, with this selection (in the list's order). */
  | { done: false; selected: string[] }
  /** Chosen: go on; [] means all. */
  | { done: true; chosen: string[] }
  /** The input names something not in the list, or is no choice at all. */
  | undefined;

export function applyChoice(known: string[], current: string[], input: { kind: string; value?: string; values?: string[] }): ChoiceOutcome {
  switch (input.kind) {
    case 'toggle': {
      const value = input.value ?? '';
      if (!known.includes(value)) return undefined;
      const selected = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
      // In the list's order, whatever order they were ticked in.
      return { done: false, selected: known.filter((k) => selected.includes(k)) };
    }
    case 'pick': {
      const values = input.values ?? [];
      if (values.some((v) => !known.includes(v))) return undefined;
      return { done: true, chosen: known.filter((k) => values.includes(k)) };
    }
    case 'all':
      return { done: true, chosen: [] };
    case 'next':
      return { done: true, chosen: current };
    default:
      return undefined;
  }
}

export const optionsOf = (items: { value: string; label: string }[], selected: string[]): Option[] =>
  items.map((i) => ({ ...i, selected: selected.includes(i.value) }));
