import { createHmac } from 'node:crypto';

const FORM = 'application/x-www-form-urlencoded';

/** Slack's v0 request signature: 'v0=' + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>`. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** The headers Slack sends with a command or interaction; `timestamp` defaults to now (unix seconds). */
export function signedHeaders(
  secret: string,
  rawBody: string,
  opts: { timestamp?: number; contentType?: string } = {},
): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': opts.contentType ?? FORM,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, rawBody),
  };
}

/** Flips the last hex digit, so the signature keeps its shape but no longer matches. */
function spoil(signature: string): string {
  const last = signature.at(-1) === '0' ? '1' : '0';
  return `${signature.slice(0, -1)}${last}`;
}

/**
 * POSTs `rawBody` signed as Slack would (or, with `badSignature`, almost so) and returns the
 * answer; `json` is the parsed body when it is JSON, otherwise undefined.
 */
export async function postToSlackEndpoint(
  url: string,
  rawBody: string,
  secret: string,
  opts: { timestamp?: number; contentType?: string; badSignature?: boolean } = {},
): Promise<{ status: number; body: string; json: unknown }> {
  const headers = signedHeaders(secret, rawBody, opts);
  if (opts.badSignature) headers['x-slack-signature'] = spoil(headers['x-slack-signature'] ?? 'v0=');
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await res.text();
  let json: unknown;
  try {
    json = body.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body, json };
}
