/**
 * sha-256 as lowercase hex, passed in by the caller: shared/ may not import Node's crypto, and
 * Web Crypto's digest is async. The server and the desk pass `node:crypto`'s one-shot hash.
 */
export type Sha256Hex = (text: string) => string;
