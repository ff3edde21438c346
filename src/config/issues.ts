import type { z } from 'zod';

/** `companies[1].hosts[0]` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
};

/**
 * Zod error map for config files: plain words, and the value received (config files hold no
 * secrets; the environment has its own wording in env.ts).
 */
export function describeIssue(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      if (iss.input === undefined) return 'required';
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      return `must be ${expected} (got ${describeValue(iss.input)})`;
    }
    case 'too_small': {
      const min = Number(iss.minimum);
      if (iss.origin === 'string')
        return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (iss.origin === 'array') return `must list at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
      return `must be ${iss.inclusive === false ? 'greater than' : 'at least'} ${min} (got ${String(iss.input)})`;
    }
    case 'too_big': {
      const max = Number(iss.maximum);
      if (iss.origin === 'string') return `must be at most ${max} characters`;
      if (iss.origin === 'array') return `must list at most ${max} entries`;
      return `must be ${iss.inclusive === false ? 'less than' : 'at most'} ${max} (got ${String(iss.input)})`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(iss.input)})`;
    case 'invalid_format':
      return `must be a valid ${iss.format} (got ${describeValue(iss.input)})`;
    default:
      return undefined;
  }
}

/** One line per problem: `<file>: <key path>: <message>`; one line per unknown key. */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  const line = (path: readonly PropertyKey[], message: string) => {
    const where = formatPath(path);
    lines.push(where === '' ? `${file}: ${message}` : `${file}: ${where}: ${message}`);
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) line([...issue.path, key], issue.message);
    } else {
      line(issue.path, issue.message);
    }
  }
  return lines;
}
