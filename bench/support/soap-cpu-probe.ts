/**
 * Measures the client CPU of 1000-URL cdnCacheInvalidation round trips in a fresh process, so the
 * figure holds only this client's work (no leftovers of other bench rows, and the simulator lives in
 * yet another process). Prints one JSON line: `{ samples: CpuSample[] }`, ms of CPU per call, one per batch.
 *   node --import tsx bench/support/soap-cpu-probe.ts <ours|peer|floor|undici> <simUrl> <warmup> <batches> <calls>
 * `floor` sends the bytes our client would send over a bare socket: the transport cost alone.
 * `undici` sends them, prebuilt, through `undici.request` on a keep-alive pool and reads the reply
 * as text: what undici alone costs, below which our client cannot go while it is built on undici.
 */
import { fileURLToPath } from 'node:url';
import { createClientAsync } from 'soap';
import { Pool, request } from 'undici';
import { defaultPurgeConfig } from '../../src/config/purge-config.js';
import { IpsClient } from '../../src/ips/client.js';
import { EnvelopeBuilder } from '../../src/ips/envelope.js';
import { cpuPerCall } from './cpu.js';
import { RawHttpRoundTrip } from './raw-http.js';
import { API_VERSION, APP, benchUrls, COMPANY_HANDLE, CREDENTIALS, IPS_NAMESPACE } from './soap-fixture.js';

const WSDL = fileURLToPath(new URL('../ips-peer.wsdl', import.meta.url));

const [which, urlArg, warmup, batches, calls] = process.argv.slice(2);
const MODES = ['ours', 'peer', 'floor', 'undici'] as const;
type Mode = (typeof MODES)[number];
if (!MODES.includes(which as Mode) || !urlArg) {
  throw new Error('usage: soap-cpu-probe.ts <ours|peer|floor|undici> <simUrl> <warmup> <batches> <calls>');
}
const url: string = urlArg;
const plan = { warmup: Number(warmup), batches: Number(batches), calls: Number(calls) };
const urls = benchUrls();

function checkHandle(handle: unknown): void {
  // A call that silently failed would make either client look cheap.
  if (typeof handle !== 'string' || !handle.startsWith('cdni|')) {
    throw new Error(`unexpected cdnCacheInvalidation answer: ${String(handle)}`);
  }
}

async function ours(): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const client = new IpsClient({
    url,
    ...CREDENTIALS,
    apiVersion: API_VERSION,
    appName: APP.appName,
    appVersion: APP.appVersion,
    tuning: { ...defaultPurgeConfig().ips, locale: APP.locale },
  });
  return {
    call: async () => {
      checkHandle((await client.cdnCacheInvalidation(COMPANY_HANDLE, urls)).invalidationHandle);
    },
    close: () => client.close(),
  };
}

const HEADERS = { 'content-type': 'text/xml; charset=utf-8', soapaction: 'cdnCacheInvalidation' };

function prebuiltEnvelope(): Buffer {
  return Buffer.from(
    new EnvelopeBuilder({
      ...CREDENTIALS,
      ...APP,
      apiVersion: API_VERSION,
      authHeaderNamespace: 'versioned',
      faultHttpStatusCode: undefined,
    }).cdnCacheInvalidation(COMPANY_HANDLE, urls),
  );
}

async function undiciOnly(): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const body = prebuiltEnvelope();
  const pool = new Pool(new URL(url).origin, { connections: 1 });
  return {
    call: async () => {
      const res = await request(url, { dispatcher: pool, method: 'POST', headers: HEADERS, body });
      checkHandle(/<invalidationHandle>([^<]*)</.exec(await res.body.text())?.[1]);
    },
    close: () => pool.close(),
  };
}

async function floor(): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const target = new URL(url);
  const raw = new RawHttpRoundTrip(target, RawHttpRoundTrip.build(target, HEADERS, prebuiltEnvelope()));
  await raw.open();
  return {
    call: async () => {
      const reply = (await raw.send()).toString('latin1');
      checkHandle(/<invalidationHandle>([^<]*)</.exec(reply)?.[1]);
    },
    close: async () => raw.close(),
  };
}

interface PeerReturn {
  invalidationHandle?: unknown;
}

async function peer(): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const client = await createClientAsync(WSDL, { endpoint: url });
  client.addSoapHeader(
    { authHeader: { ...CREDENTIALS, locale: APP.locale, appName: APP.appName, appVersion: APP.appVersion } },
    'authHeader',
    'tns',
    IPS_NAMESPACE,
  );
  const args = { companyHandle: COMPANY_HANDLE, urlArray: { items: urls } };
  return {
    call: async () => {
      const [result] = (await client.cdnCacheInvalidationAsync(args)) as [PeerReturn | null];
      checkHandle(result?.invalidationHandle);
    },
    close: async () => {},
  };
}

const subjects: Record<Mode, () => Promise<{ call: () => Promise<void>; close: () => Promise<void> }>> = {
  ours,
  peer,
  floor,
  undici: undiciOnly,
};
const subject = await subjects[which as Mode]();
const samples = await cpuPerCall(subject.call, plan);
await subject.close();
process.stdout.write(`${JSON.stringify({ samples })}\n`);
