import type { webApi } from '@slack/bolt';
import { request } from 'undici';

type WebClient = webApi.WebClient;

export const MAX_FILE_BYTES = 1_048_576;

/** A problem with an uploaded list the user can fix; `message` is shown in the modal as is. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: 'FILE_TOO_LARGE' | 'FILE_NOT_TEXT' | 'FILE_UNREADABLE';

  constructor(code: UploadError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface UploadedFile {
  id: string;
  name?: string;
}

/** Reads an uploaded .txt/.csv through files.info and its private URL (needs `files:read`). */
export async function readUploadedFile(
  client: WebClient,
  token: string,
  file: UploadedFile,
): Promise<{ name: string; content: string }> {
  const info = await client.files.info({ file: file.id });
  const f = info.file;
  const name = f?.name ?? file.name ?? file.id;
  const url = f?.url_private_download ?? f?.url_private;
  if (!url)
    throw new UploadError('FILE_UNREADABLE', `Slack gave no download link for ${name}. Upload it again.`);
  if ((f?.size ?? 0) > MAX_FILE_BYTES) throw tooLarge(name, f?.size ?? 0);

  const res = await request(url, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new UploadError(
      'FILE_UNREADABLE',
      `Could not download ${name} from Slack (HTTP ${res.statusCode}). Upload it again.`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_FILE_BYTES) {
      res.body.destroy();
      throw tooLarge(name, size);
    }
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0)) {
    throw new UploadError(
      'FILE_NOT_TEXT',
      `${name} is not a text file. Upload a .txt or .csv with one URL per line.`,
    );
  }
  const content = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  if ((content.match(/\uFFFD/g)?.length ?? 0) > 16) {
    throw new UploadError(
      'FILE_NOT_TEXT',
      `${name} is not UTF-8 text. Save it as UTF-8 .txt or .csv and upload it again.`,
    );
  }
  return { name, content };
}

function tooLarge(name: string, size: number): UploadError {
  return new UploadError(
    'FILE_TOO_LARGE',
    `${name} is ${(size / 1_048_576).toFixed(1)} MB; the limit is 1 MB. Split the list into several purges.`,
  );
}
