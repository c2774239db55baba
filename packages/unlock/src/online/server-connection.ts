/** Where the Cardwarden server is and how to trust it (`--server`, `--ca-file`, `--insecure-http`). */
import type { HttpJsonOptions } from './http-json.js';

export interface ServerConnection {
  /** The server's base URL, ending in `/` (from `parseServerAddress`). */
  readonly base: URL;
  readonly options: HttpJsonOptions;
}
