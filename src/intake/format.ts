/** Small formatting helpers for user-facing reasons. */

/** 2100 → "2,100". */
export function formatCount(n: number): string {
  // Plain grouping by hand: creating an Intl formatter costs milliseconds at first use.
  const [whole = '', fraction] = String(n).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Keeps long user input readable inside a reason. */
export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
