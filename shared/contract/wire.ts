import { z } from 'zod';

/**
 * Frames of the web-mode WebSocket. Requests are strict and small; `input` stays unknown here
 * because the contract checks it per method.
 */
export const MAX_FRAME_BYTES = 256 * 1024;

export const requestFrame = z.strictObject({
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  method: z.string().max(100),
  input: z.unknown(),
});
export type RequestFrame = z.output<typeof requestFrame>;

export type ResponseFrame =
  | {
      /** null answers a frame too malformed to carry an id. */
      id: number | null;
      result:
        { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
    }
  | { topic: string; payload: unknown };
