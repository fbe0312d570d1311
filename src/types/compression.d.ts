// The `compression` middleware only uses Node's own request and response; its published types (@types/compression)
// are written against Express's, which this project does not use.
declare module 'compression' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { BrotliOptions, ZlibOptions } from 'node:zlib';

  type Filter = (request: IncomingMessage, response: ServerResponse) => boolean;

  interface CompressionOptions extends ZlibOptions {
    /** Smallest response body compressed, in bytes. @default 1024 */
    threshold?: number;
    /** Whether to compress a response; the default compresses compressible content types. */
    filter?: Filter;
    brotli?: BrotliOptions;
  }

  function compression(
    options?: CompressionOptions,
  ): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

  export default compression;
}
