import type { CompanyConfig } from '../../config/types.js';
import { validateUrl } from '../../intake/index.js';
import { type CheckResult, fail, warn } from '../types.js';

/** What `<ID>` becomes for the check; any plain asset name does. */
const SAMPLE_ID = 'doctor-sample-asset';

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Runs each template through the same validation the app applies to the URLs it expands to, with
 * the root ID IPS reported. A host outside `hosts` is a warning; anything else that would make
 * every expanded URL fail (a root that differs from the company's) is a failure.
 */
export function checkTemplates(company: CompanyConfig, rootId: string): CheckResult[] {
  const name = `company ${company.name}`;
  const results: CheckResult[] = [];
  company.templates.forEach((template, i) => {
    const label = `template ${i + 1} (${template})`;
    const sample = template.replaceAll('<ID>', SAMPLE_ID);
    const rules = { name: company.name, rootId, hosts: company.hosts, templates: company.templates };
    const full = validateUrl(sample, rules);
    if (full.ok) return;
    const host = hostOf(sample);
    if (full.code === 'host' && host !== undefined) {
      results.push(
        warn(
          name,
          `${label}: host ${host} is not in hosts (${company.hosts.join(', ')}), so the URLs it makes would be refused`,
          `add ${host} to the hosts of ${company.name}, or change the template`,
        ),
      );
      // The path still matters: check it as if the host were allowed.
      const path = validateUrl(sample, { ...rules, hosts: [host] });
      if (path.ok) return;
      results.push(fail(name, `${label}: ${path.reason}`, fixFor(company.name, rootId)));
      return;
    }
    results.push(fail(name, `${label}: ${full.reason}`, fixFor(company.name, rootId)));
  });
  return results;
}

function fixFor(companyName: string, rootId: string): string {
  return `write the templates of ${companyName} with its root ID exactly, e.g. https://<host>/is/image/${rootId}/<ID>?$preset$`;
}
