import { z } from 'zod';

/** The value types of environment variables, shared by the configuration and each source's own variables. */
export const env = {
  /** A non-negative integer with a default; `min` raises the floor. */
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  /** An http(s) URL without trailing slashes. */
  url: z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, '')),
  /** A credential: any non-empty text, never echoed in messages. */
  secret: z.string().min(1),
};
