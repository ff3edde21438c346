import { describe, expect, it } from 'vitest';
import type { CompanyConfig } from '../../config/types.js';
import { checkTemplates } from './templates.js';

function company(templates: string[], hosts = ['s7d7.scene7.com']): CompanyConfig {
  return { name: 'JJEsquire', hosts, templates, admins: [], channel: undefined };
}

describe('checkTemplates', () => {
  it('has nothing to say about good templates, wildcard hosts included', () => {
    const c = company(
      [
        'https://s7d7.scene7.com/is/image/JJEsquire/<ID>?$thumbnail$',
        'https://s7d1.scene7.com/is/content/JJEsquire/<ID>',
      ],
      ['s7d7.scene7.com', '*.scene7.com'],
    );
    expect(checkTemplates(c, 'JJEsquire')).toEqual([]);
  });

  it('warns about a template whose host is not in hosts', () => {
    const results = checkTemplates(
      company(['https://images.jjesquire.com/is/image/JJEsquire/<ID>?$product$']),
      'JJEsquire',
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe('warn');
    expect(results[0]?.name).toBe('company JJEsquire');
    expect(results[0]?.detail).toContain('template 1');
    expect(results[0]?.detail).toContain('images.jjesquire.com is not in hosts');
    expect(results[0]?.fix).toContain('add images.jjesquire.com to the hosts');
  });

  it.each([
    ['https://s7d7.scene7.com/is/image/OtherCo/<ID>', 'belongs to another company'],
    ['https://s7d7.scene7.com/is/image/jjesquire/<ID>', 'must be written JJEsquire'],
    ['https://s7d7.scene7.com/is/image/<ID>', 'belongs to another company'],
    ['https://s7d7.scene7.com/images/JJEsquire/<ID>', 'not a Dynamic Media path'],
  ])('fails a template whose path does not carry the root ID: %s', (template, reason) => {
    const results = checkTemplates(company([template]), 'JJEsquire');
    expect(results.map((r) => r.status)).toEqual(['fail']);
    expect(results[0]?.detail).toContain(reason);
    expect(results[0]?.fix).toContain('/is/image/JJEsquire/<ID>');
  });

  it('reports both a foreign host and a wrong root on the same template', () => {
    const results = checkTemplates(company(['https://cdn.other.com/is/image/Other/<ID>']), 'JJEsquire');
    expect(results.map((r) => r.status)).toEqual(['warn', 'fail']);
  });

  it('numbers templates in the order of the config', () => {
    const results = checkTemplates(
      company(['https://s7d7.scene7.com/is/image/JJEsquire/<ID>', 'https://s7d7.scene7.com/is/image/X/<ID>']),
      'JJEsquire',
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.detail).toMatch(/^template 2 /);
  });
});
