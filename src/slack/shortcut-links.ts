import { type IntakeCompany, type Rejection, validateUrl } from '../intake/index.js';

/** Rejection codes that mean "not a Dynamic Media delivery URL at all" rather than a near miss. */
const FOREIGN = new Set(['host', 'path', 'scheme']);

/**
 * A message's links split into those worth prefilling and those to list as ignored. A link no served
 * company could ever accept (another site, a web page) would only make the submit fail, so it is
 * listed with why; a near miss (wrong root case, a fragment) stays, so the submit explains the fix.
 */
export function splitMessageLinks(
  links: readonly { value: string; line: number }[],
  companies: readonly IntakeCompany[],
): { keep: string[]; ignored: Rejection[] } {
  const keep: string[] = [];
  const ignored: Rejection[] = [];
  const seen = new Set<string>();
  for (const { value, line } of links) {
    if (seen.has(value)) continue;
    seen.add(value);
    // Nothing to judge against while companies are still being resolved.
    if (companies.length === 0) {
      keep.push(value);
      continue;
    }
    let firstReason: string | undefined;
    let foreign = true;
    for (const c of companies) {
      const r = validateUrl(value, c);
      if (r.ok || !FOREIGN.has(r.code)) {
        foreign = false;
        break;
      }
      firstReason ??= r.reason;
    }
    if (!foreign) keep.push(value);
    else
      ignored.push({
        input: value,
        line,
        reason:
          companies.length === 1 && firstReason
            ? firstReason
            : 'not a Dynamic Media URL of any company dm-purge serves',
        code: 'not-web-link',
      });
  }
  return { keep, ignored };
}
