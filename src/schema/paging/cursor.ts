import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidCursorError } from '../../errors.js';

/**
 * Which list a cursor belongs to: the connection's kind plus a fingerprint of everything that shapes the list
 * (filters, parent id, the caller's visibility), so a cursor cannot be replayed against another list.
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
const SIGNATURE_BYTES = 16;
/** Longer than any cursor the gateway issues: a larger one is refused before it is decoded. */
const MAX_CURSOR_LENGTH = 2048;

/**
 * Cursors are opaque to clients and signed: base64url JSON of the scope and the vendor position, then an HMAC, so
 * a re-encoded cursor cannot send a position (an offset, a vendor page token) the gateway never issued.
 */
export class CursorCodec {
  readonly #secret: Buffer;

  /** `secret` is shared by every replica (`CURSOR_SECRET`), so a cursor from one is valid on another. */
  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  encode(scope: CursorScope, position: unknown): string {
    const payload = Buffer.from(JSON.stringify({ k: scope.kind, f: scope.fingerprint, p: position })).toString('base64url');
    return `${payload}.${this.#sign(payload).toString('base64url')}`;
  }

  decode<P>(cursor: string, scope: CursorScope, positionSchema: z.ZodType<P>): P {
    const dot = cursor.indexOf('.');
    if (cursor.length > MAX_CURSOR_LENGTH || dot < 0) throw new InvalidCursorError('cursor is malformed');
    const payload = cursor.slice(0, dot);
    const signature = Buffer.from(cursor.slice(dot + 1), 'base64url');
    if (signature.length !== SIGNATURE_BYTES || !timingSafeEqual(signature, this.#sign(payload))) {
      throw new InvalidCursorError('cursor is malformed or was not issued by this gateway');
    }
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
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

  #sign(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }
}
