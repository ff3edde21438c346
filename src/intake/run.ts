import { classify } from './classify.js';
import { compileCompany } from './company.js';
import { IntakeLimitError } from './errors.js';
import { expandAssetId, noTemplatesReason } from './expand.js';
import type { Candidate, Expansion, IntakeCompany, IntakeResult, Rejection, RejectionCode } from './types.js';
import { checkUrl } from './validate.js';

/**
 * Classifies, expands and validates candidates for one company. Accepted strings are exactly the
 * candidates' values (never rewritten), de-duplicated by exact comparison, first occurrence kept.
 * Throws INTAKE_TOO_MANY_URLS when more than `maxUrlsPerPurge` would be accepted: no partial purge.
 */
export function runIntake(
  candidates: Candidate[],
  company: IntakeCompany,
  limits: { maxUrlsPerPurge: number },
): IntakeResult {
  const co = compileCompany(company);
  const accepted: string[] = [];
  const seen = new Set<string>();
  const rejected: Rejection[] = [];
  const expansions: Expansion[] = [];
  let duplicates = 0;

  const accept = (url: string): void => {
    if (seen.has(url)) {
      duplicates++;
      return;
    }
    seen.add(url);
    accepted.push(url);
  };

  for (const candidate of candidates) {
    const value = candidate.value.trim();
    if (value === '') continue;
    const line = candidate.line;
    const kind = classify(value, co);
    if (kind.kind === 'url') {
      if (seen.has(value)) {
        duplicates++;
        continue;
      }
      const result = checkUrl(value, co);
      if (result.ok) {
        seen.add(value);
        accepted.push(value);
      } else rejected.push(rejection(candidate, value, result.reason, result.code));
    } else if (kind.kind === 'id') {
      if (co.templates.length === 0) {
        rejected.push(rejection(candidate, value, noTemplatesReason(value, kind.id, co), 'no-templates'));
        continue;
      }
      const urls = expandAssetId(kind.id, co);
      expansions.push({ input: value, line, urls });
      for (const url of urls) {
        const result = checkUrl(url, co);
        if (result.ok) accept(url);
        else {
          const reason = `${result.reason} (expanded from asset ID ${value})`;
          rejected.push(rejection(candidate, url, reason, result.code));
        }
      }
    } else {
      rejected.push(rejection(candidate, value, kind.reason, kind.code));
    }
  }

  if (accepted.length > limits.maxUrlsPerPurge) {
    throw new IntakeLimitError('INTAKE_TOO_MANY_URLS', limits.maxUrlsPerPurge, accepted.length);
  }
  return { accepted, rejected, expansions, duplicates };
}

/** Each source numbers its lines from 1: a rejection names its source so the user finds the line. */
function rejection(from: Candidate, input: string, reason: string, code: RejectionCode): Rejection {
  const { line, source, fileName } = from;
  return fileName === undefined
    ? { input, line, reason, code, source }
    : { input, line, reason, code, source, fileName };
}
