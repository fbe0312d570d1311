import { AsyncLocalStorage } from 'node:async_hooks';

/** The current request's id, readable anywhere below the HTTP handler (logs, error masking). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();
