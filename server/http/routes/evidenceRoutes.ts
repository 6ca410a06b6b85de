import type { FastifyInstance } from 'fastify';
import { DeskError } from '../../../shared/errors.ts';
import { readEvidence, storeEvidence } from '../../evidence/evidenceStore.ts';
import { parseBody, pathIds } from '../requestSchemas.ts';
import { isAgent, requireActor } from '../requestActor.ts';
import { addRoute } from '../routeSpec.ts';
import type { ServerContext } from '../serverContext.ts';

export function registerEvidenceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  addRoute(app, {
    method: 'POST',
    url: '/v1/evidence',
    summary:
      'Upload one evidence file (multipart field "file"); returns its reference {sha256, name, sizeBytes, mime}',
    tags: ['evidence'],
    roles: 'any signed-in user',
    auth: 'bearer',
    consumes: ['multipart/form-data'],
    handler: async (req, reply) => {
      const actor = await requireActor(ctx, req);
      if (!req.isMultipart()) throw new DeskError('invalid_input', 'send multipart/form-data');
      const file = await req.file();
      if (!file) throw new DeskError('invalid_input', 'no file in the upload');
      const content = await file.toBuffer();
      const ref = await storeEvidence(
        ctx.db,
        { name: file.filename, mime: file.mimetype, content },
        actor.userId,
        ctx.clock.now(),
      );
      return reply.code(201).send({ evidence: ref });
    },
  });
  addRoute(app, {
    method: 'GET',
    url: '/v1/evidence/:sha256',
    summary: 'Download an evidence file',
    tags: ['evidence'],
    roles: 'its uploader, agents',
    auth: 'bearer',
    handler: async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { sha256 } = parseBody(pathIds, req.params);
      const found = await readEvidence(ctx.db, sha256 ?? '');
      if (!found) throw new DeskError('not_found', 'no such evidence');
      if (!isAgent(actor) && !found.uploaders.includes(actor.userId))
        throw new DeskError('forbidden', 'not your evidence');
      return reply.type(found.mime).send(found.content);
    },
  });
}
