import type { RedisClient } from '../redis.js';
import { LuaScript } from './lua.js';

/**
 * One Lua script so that the refill and the take are atomic and use the Redis server's clock
 * (replicas' clocks may disagree). Returns {allowed, waitMs, nowMs}.
 */
const TAKE = new LuaScript(
  'token-bucket-take',
  `
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * perMs)
  ts = now
end
local ttl = math.ceil(capacity / perMs) + 1000
if tokens >= 1 then
  tokens = tokens - 1
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', ts)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, 0, now}
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', ts)
redis.call('PEXPIRE', KEYS[1], ttl)
return {0, math.ceil((1 - tokens) / perMs), now}
`,
);

export interface BucketDecision {
  allowed: boolean;
  /** When denied: how long until a token is there (ms). */
  waitMs: number;
  /** Redis server time of the decision (epoch ms). */
  now: number;
  /** When denied: `now + waitMs`. */
  retryAt: number;
}

export interface TokenBucketOptions {
  /** Burst size and tokens added per window. */
  capacity: number;
  /** Length of the refill window; 60 000 for "per minute" (tests shorten it). */
  windowMs: number;
}

/** A token bucket per key, shared by every process using the same Redis. */
export class TokenBucket {
  private readonly perMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: TokenBucketOptions,
  ) {
    if (!(options.capacity >= 1) || !(options.windowMs > 0)) {
      throw new RangeError('token bucket needs capacity >= 1 and windowMs > 0');
    }
    this.perMs = options.capacity / options.windowMs;
  }

  async take(key: string): Promise<BucketDecision> {
    const reply = (await TAKE.run(
      this.redis,
      [key],
      [this.options.capacity, this.perMs.toPrecision(17)],
    )) as [number, number, number];
    const [allowed, waitMs, now] = reply;
    return { allowed: allowed === 1, waitMs, now, retryAt: now + waitMs };
  }
}
