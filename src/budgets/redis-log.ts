import { LuaScript, type Shared, type SharedRedis } from '../redis.js';
import { tighter, type BudgetDecision, type Grant, type RateLimit, type VendorObservation } from './budget.js';

/**
 * The sliding window log in Redis, shared by every replica: a sorted set of grants (score: time) per key, and a
 * hash with the vendor's latest word. Each take trims, counts and adds in one script, so concurrent takes from
 * any number of processes grant exactly up to the limit. Same rules as {@link MemoryBudgetLog}.
 */
/** Lua: how long until a call fits (0: now), after trimming the log to the window. Shared by take and wait. */
const WAIT_FUNCTION = `
local function waitFor(logKey, vendorKey, now, window, calls)
  local wait = 0
  if window > 0 then
    redis.call('ZREMRANGEBYSCORE', logKey, '-inf', now - window)
    local count = redis.call('ZCARD', logKey)
    if count >= calls then
      local blocking = redis.call('ZRANGE', logKey, count - calls, count - calls, 'WITHSCORES')
      wait = tonumber(blocking[2]) + window - now
    end
  end
  local vendor = redis.call('HMGET', vendorKey, 'remaining', 'resetAt')
  local vendorRemaining, vendorReset = tonumber(vendor[1]), tonumber(vendor[2])
  if vendorRemaining and vendorRemaining <= 0 then wait = math.max(wait, vendorReset - now) end
  return wait, vendorRemaining
end
`;

const TAKE = new LuaScript(`${WAIT_FUNCTION}
-- KEYS: grant log, vendor word. ARGV: now, windowMs (0: no own limit), calls, id, then carried grants as at, id.
local now, window, calls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 5, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) end
if window > 0 then redis.call('PEXPIRE', KEYS[1], window) end
local wait, vendorRemaining = waitFor(KEYS[1], KEYS[2], now, window, calls)
if wait > 0 then return wait end
if window > 0 then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
end
if vendorRemaining then redis.call('HINCRBY', KEYS[2], 'remaining', -1) end
return 0
`);

const WAIT = new LuaScript(`${WAIT_FUNCTION}
-- KEYS: grant log, vendor word. ARGV: now, windowMs (0: no own limit), calls.
local wait = waitFor(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
return wait
`);

const OBSERVE = new LuaScript(`
-- KEYS: vendor word. ARGV: now, remaining, resetAt. Keeps the later reset, and within one the lower remaining.
local now, remaining, resetAt = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HMGET', KEYS[1], 'remaining', 'resetAt')
local heldRemaining, heldReset = tonumber(held[1]), tonumber(held[2])
if heldReset and (heldReset > resetAt or (heldReset == resetAt and heldRemaining <= remaining)) then return 0 end
redis.call('HSET', KEYS[1], 'remaining', remaining, 'resetAt', resetAt)
redis.call('PEXPIRE', KEYS[1], resetAt - now)
return 1
`);

export class RedisBudgetLog {
  constructor(
    private readonly redis: SharedRedis,
    private readonly limit: RateLimit | undefined,
  ) {}

  /** `carried`: grants this process made without Redis (or before a restart emptied it), counted in first. */
  async take(key: string, grant: Grant, carried: readonly Grant[]): Promise<Shared<BudgetDecision>> {
    const args = [
      grant.at,
      this.limit?.windowMs ?? 0,
      this.limit?.calls ?? 0,
      grant.id,
      ...carried.flatMap((earlier) => [earlier.at, earlier.id]),
    ];
    const answer = await this.redis.run((client) => TAKE.run(client, this.#keys(key), args));
    if (!answer.available) return answer;
    const retryAfterMs = Number(answer.value);
    return { available: true, value: retryAfterMs > 0 ? { granted: false, retryAfterMs } : { granted: true } };
  }

  /** How long until a call fits, taking none: 0 when one would be granted now. */
  async wait(key: string, now: number): Promise<Shared<number>> {
    const args = [now, this.limit?.windowMs ?? 0, this.limit?.calls ?? 0];
    const answer = await this.redis.run((client) => WAIT.run(client, this.#keys(key), args));
    return answer.available ? { available: true, value: Number(answer.value) } : answer;
  }

  async observe(key: string, observation: VendorObservation, now: number): Promise<void> {
    if (observation.resetAt <= now) return;
    const [, vendorKey] = this.#keys(key);
    await this.redis.run((client) => OBSERVE.run(client, [vendorKey], [now, observation.remaining, observation.resetAt]));
  }

  async remaining(key: string, now: number): Promise<Shared<number | undefined>> {
    const [logKey, vendorKey] = this.#keys(key);
    const limit = this.limit;
    return this.redis.run(async (client) => {
      const [used, [vendorRemaining, vendorReset]] = await Promise.all([
        limit === undefined ? undefined : client.zcount(logKey, `(${now - limit.windowMs}`, '+inf'),
        client.hmget(vendorKey, 'remaining', 'resetAt'),
      ]);
      const own = limit === undefined || used === undefined ? undefined : Math.max(0, limit.calls - used);
      const vendorCounts = vendorRemaining != null && Number(vendorReset) > now;
      return tighter(own, vendorCounts ? Math.max(0, Number(vendorRemaining)) : undefined);
    });
  }

  #keys(key: string): [log: string, vendor: string] {
    return [`${this.redis.keyPrefix}budget:${key}`, `${this.redis.keyPrefix}budget-vendor:${key}`];
  }
}
