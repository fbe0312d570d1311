import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidCursorError } from '../../errors.js';

/**
 * Which list a cursor belongs to: the connection's kind plus a fingerprint of the arguments that shape
 * the list (filters, parent id), so a cursor cannot be replayed against another list by accident.
 */
export interface CursorScope {
  kind: string;
  fingerprint: string;
}

export function cursorScope(kind: string, shapingArgs: unknown): CursorScope {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(shapingArgs ?? null))
    .digest('base64url')
    .slice(0, 10);
  return { kind, fingerprint };
}

const envelopeSchema = z.object({ k: z.string(), f: z.string(), p: z.unknown() });

/** Cursors are opaque to clients: base64url JSON holding the scope and the upstream position. */
export function encodeCursor(scope: CursorScope, position: unknown): string {
  return Buffer.from(JSON.stringify({ k: scope.kind, f: scope.fingerprint, p: position })).toString('base64url');
}

export function decodeCursor<P>(cursor: string, scope: CursorScope, positionSchema: z.ZodType<P>): P {
  let envelope: z.infer<typeof envelopeSchema>;
  try {
    envelope = envelopeSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError('cursor is malformed');
  }
  if (envelope.k !== scope.kind || envelope.f !== scope.fingerprint) {
    throw new InvalidCursorError('cursor belongs to another list or to other arguments');
  }
  const position = positionSchema.safeParse(envelope.p);
  if (!position.success) throw new InvalidCursorError('cursor is malformed');
  return position.data;
}
