import type { FastifyInstance, FastifyReply } from 'fastify';
import { DeskError, isDeskError } from '../../../shared/errors.ts';
import {
  DEFAULT_EVIDENCE_QUOTA,
  readEvidence,
  storeEvidence,
} from '../../evidence/evidenceStore.ts';
import { sniffType } from '../../evidence/sniffType.ts';
import { readStoredFile } from '../../disputes/evidenceCheck.ts';
import { refundFileFor } from '../../evidence/refundFileAccess.ts';
import { stripImageMetadata } from '../../evidence/stripImageMetadata.ts';
import { readOrder } from '../../escrow/orderRows.ts';
import { parseBody, pathIds } from '../requestSchemas.ts';
import { requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

/**
 * Headers for serving a file someone else uploaded: never rendered as a page of ours (the
 * type comes from its bytes, no sniffing, a sandbox CSP) and always a download.
 */
export function untrustedFileHeaders(
  reply: FastifyReply,
  name: string,
  content: Uint8Array,
): FastifyReply {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "sandbox; default-src 'none'")
    .header(
      'Content-Disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .type(sniffType(content));
}

export function registerEvidenceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'POST',
    url: '/v1/evidence',
    summary:
      'Upload one evidence file (multipart field "file"); returns its reference {sha256, name, sizeBytes, mime}, the type sniffed from its bytes. Per-user quotas (files, bytes): 413 evidence_quota_exceeded',
    tags: ['evidence'],
    roles: 'any signed-in user',
    auth: 'bearer',
    consumes: ['multipart/form-data'],
    handler: async (req, reply) => {
      const actor = await requireActor(ctx, req);
      if (!req.isMultipart()) throw new DeskError('invalid_input', 'send multipart/form-data');
      let file;
      let content: Buffer;
      try {
        file = await req.file();
        if (!file) throw new DeskError('invalid_input', 'no file in the upload');
        content = await file.toBuffer();
      } catch (e) {
        if (isDeskError(e)) throw e;
        const status = (e as { statusCode?: unknown } | null)?.statusCode;
        if (status === 413) throw new DeskError('payload_too_large', 'the file is too large');
        // A body cut short (truncated upload, broken boundary) is the sender's problem.
        throw new DeskError('invalid_input', 'the upload is incomplete or malformed');
      }
      const name = file.filename;
      const ref = await ctx.db.transaction((tx) =>
        storeEvidence(
          tx,
          { name, content },
          actor.userId,
          ctx.clock.now(),
          ctx.evidenceQuota ?? DEFAULT_EVIDENCE_QUOTA,
        ),
      );
      return reply.code(201).send({ evidence: ref });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/evidence/:sha256',
    summary:
      'Download an evidence file: the type sniffed from its bytes, nosniff, a sandbox CSP, always an attachment',
    tags: ['evidence'],
    roles: 'its uploader only (agents read the files of a case or refund through it)',
    auth: 'bearer',
    handler: async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { sha256 } = parseBody(pathIds, req.params);
      const found = await readEvidence(ctx.db, sha256 ?? '');
      // Someone else's file answers as a missing one: a 403 would confirm that those bytes
      // were uploaded (a hash of a known photo is enough to ask). Agents too: a file reaches
      // them through the case or refund that cites it, whose routes check that the file is
      // part of it; by hash alone any upload on the platform would be theirs to read, a
      // buyer's photo with its location included.
      if (!found || !found.uploaders.includes(actor.userId))
        throw new DeskError('not_found', 'no such evidence');
      return untrustedFileHeaders(reply, found.name, found.content).send(found.content);
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/orders/:orderId/refunds/:refundId/files/:sha256',
    summary:
      "A file cited by a refund: the buyer's photos or the seller's refusal evidence. Sellers get images without their metadata (EXIF, GPS, comments). Served like all evidence (sniffed type, nosniff, sandbox CSP, attachment); anyone outside the order gets 404 not_found",
    tags: ['evidence'],
    roles:
      "the order's buyer, its merchant's staff, agents once the refund is escalated or the order has a claim",
    auth: 'bearer',
    handler: async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { orderId, refundId, sha256 } = parseBody(pathIds, req.params);
      const order = await readOrder(ctx.db, orderId ?? '');
      const found = refundFileFor(actor, order, refundId ?? '', sha256 ?? '');
      const stored = found ? await readStoredFile(ctx.db, found.file.sha256) : null;
      if (!found || !stored) throw new DeskError('not_found', 'no such file');
      // A buyer's photo can carry where it was taken; the seller needs the picture, not that.
      const seller = actor.role === 'seller_staff' || actor.role === 'seller_admin';
      const content = seller && found.from === 'buyer' ? stripImageMetadata(stored) : stored;
      return untrustedFileHeaders(reply, found.file.name, content).send(content);
    },
  });
}
