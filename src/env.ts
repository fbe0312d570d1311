import { z } from 'zod';
import type { RateLimit } from './budgets/budget.js';

/** The value types of environment variables, shared by the configuration and each source's own variables. */
export const env = {
  /** A non-negative integer with a default; `min` raises the floor. */
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  /** An http(s) URL without trailing slashes. */
  url: z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, '')),
  /** A credential: any non-empty text, never echoed in messages. */
  secret: z.string().min(1),
  /** `<calls>/<seconds>s`, e.g. `600/60s`. */
  rateLimit: z
    .string()
    .regex(/^[1-9]\d{0,8}\/[1-9]\d{0,8}s$/, 'must be <calls>/<seconds>s with whole numbers from 1, e.g. 600/60s')
    .transform((text): RateLimit => {
      const [calls = '', seconds = ''] = text.slice(0, -1).split('/');
      return { calls: Number(calls), windowMs: Number(seconds) * 1000 };
    }),
};
