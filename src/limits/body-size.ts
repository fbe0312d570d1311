import type { Plugin } from 'graphql-yoga';

/** The code Yoga's own limit uses for bodies sent without a length, so both paths answer alike. */
export const BODY_LIMIT_CODE = 'REQUEST_ENTITY_TOO_LARGE';

/**
 * HTTP 413 for a body whose `Content-Length` is over `maxBytes`, before anything reads it or queues it for
 * admission. Chunked bodies (no length) are cut off by Yoga's `maxRequestBodySize`, set to the same limit.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (!(length > maxBytes)) return;
      const message = `The request body of ${length} bytes exceeds the limit of ${maxBytes} bytes (MAX_BODY_BYTES).`;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: BODY_LIMIT_CODE } }] }), {
          status: 413,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}
