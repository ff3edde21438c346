import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis.js';

/**
 * Text too large for the modal's URL box (a long `/purge …` or a message full of links) waits in
 * Redis under a random id that travels in the signed private_metadata.
 */
export class PrefillStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly ttlSeconds = 3600,
  ) {}

  async put(text: string): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await this.redis.set(this.key(id), text, 'EX', this.ttlSeconds);
    return id;
  }

  async get(id: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(id))) ?? undefined;
  }

  private key(id: string): string {
    return `${this.keyPrefix}prefill:${id}`;
  }
}
