import { createHmac, timingSafeEqual } from 'node:crypto';

/** Where the purge was asked for, carried through the modal in `private_metadata`. */
export interface ModalContext {
  kind: 'command' | 'shortcut';
  channel: string;
  /** Shortcut: the thread to answer in (the message's thread root, or the message itself). */
  threadTs?: string | undefined;
  /** Id of extra state kept in Redis (prefill too large for the modal). */
  stateId?: string | undefined;
}

/**
 * `private_metadata` comes back from the client, so it is signed: a forged channel or thread would
 * otherwise let a user make the bot post where they chose. Authorization never reads it.
 */
export class ModalContextCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', 'dm-purge/private_metadata').update(secret).digest();
  }

  encode(ctx: ModalContext): string {
    const body = JSON.stringify({ k: ctx.kind, c: ctx.channel, t: ctx.threadTs, s: ctx.stateId });
    return `${this.sign(body)}.${body}`;
  }

  /** Undefined when the metadata was not made by this app (or was changed). */
  decode(raw: string | undefined): ModalContext | undefined {
    if (!raw) return undefined;
    const dot = raw.indexOf('.');
    if (dot <= 0) return undefined;
    const mac = Buffer.from(raw.slice(0, dot), 'base64url');
    const body = raw.slice(dot + 1);
    const expected = Buffer.from(this.sign(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const v = JSON.parse(body) as { k?: unknown; c?: unknown; t?: unknown; s?: unknown };
      if ((v.k !== 'command' && v.k !== 'shortcut') || typeof v.c !== 'string') return undefined;
      return {
        kind: v.k,
        channel: v.c,
        threadTs: typeof v.t === 'string' ? v.t : undefined,
        stateId: typeof v.s === 'string' ? v.s : undefined,
      };
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}
