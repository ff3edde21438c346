import type { IncomingMessage } from 'node:http';

/** Arguments Slack accepts as JSON strings inside a form body (WebClient JSON-encodes every object). */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function decodeJsonArgs(args: Record<string, unknown>): Record<string, unknown> {
  for (const key of JSON_ARGS) {
    const v = args[key];
    if (typeof v !== 'string') continue;
    try {
      args[key] = JSON.parse(v);
    } catch {
      // Left as the string it was: the method answers invalid_blocks / invalid_arguments like Slack.
    }
  }
  return args;
}

/**
 * Decodes a Web API request the way Slack does: query string, then a form, JSON or multipart body.
 * Form values stay strings (Slack receives "true", "42"), only the JSON-carrying arguments are decoded.
 */
export async function parseApiArgs(
  contentType: string | undefined,
  raw: Buffer,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return decodeJsonArgs(args);
  if (type === 'application/json') {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(args, parsed);
  } else if (type === 'multipart/form-data') {
    const form = await new Request('http://sim.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType ?? '' },
      body: new Uint8Array(raw),
    }).formData();
    for (const [key, value] of form) {
      args[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size };
    }
  } else {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  }
  return decodeJsonArgs(args);
}
