import { describe, expect, it } from 'vitest';
import { ModalContextCodec } from './modal-context.js';

describe('ModalContextCodec', () => {
  const codec = new ModalContextCodec('s3cret');

  it('round-trips the context and stays well under Slack’s 3000 characters', () => {
    const ctx = {
      kind: 'shortcut' as const,
      channel: 'C123',
      threadTs: '1700000000.000100',
      stateId: 'st-abc',
    };
    const raw = codec.encode(ctx);
    expect(raw.length).toBeLessThan(200);
    expect(codec.decode(raw)).toEqual(ctx);
  });

  it('rejects metadata that was changed, made with another secret, or is junk', () => {
    const raw = codec.encode({ kind: 'command', channel: 'C123' });
    expect(codec.decode(raw.replace('C123', 'C999'))).toBeUndefined();
    expect(new ModalContextCodec('other').decode(raw)).toBeUndefined();
    expect(codec.decode('{"k":"command","c":"C1"}')).toBeUndefined();
    expect(codec.decode('')).toBeUndefined();
    expect(codec.decode(undefined)).toBeUndefined();
  });
});
