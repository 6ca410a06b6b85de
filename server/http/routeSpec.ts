import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * One route: its OpenAPI description comes from the same zod schema the handler parses with,
 * so the document cannot drift from what the server accepts. Validation itself is zod's (in the
 * handler, with stable error codes); Fastify's own validator is switched off in app.ts.
 */
export interface RouteSpec {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  tags: string[];
  /** Roles that may succeed, for the document; the server checks them itself. */
  roles?: string;
  auth: 'bearer' | 'bank_signature' | 'none';
  body?: z.ZodType;
  consumes?: string[];
  /** Fastify route config (e.g. `rateLimit` for @fastify/rate-limit). */
  config?: Record<string, unknown>;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
}

export function addRoute(app: FastifyInstance, spec: RouteSpec): void {
  const params = [...spec.url.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  app.route({
    method: spec.method,
    url: spec.url,
    schema: {
      summary: spec.summary,
      description: spec.roles ? `Roles: ${spec.roles}.` : undefined,
      tags: spec.tags,
      ...(spec.consumes ? { consumes: spec.consumes } : {}),
      ...(spec.auth === 'bearer' ? { security: [{ bearer: [] }] } : {}),
      ...(spec.auth === 'bank_signature' ? { security: [{ bankSignature: [] }] } : {}),
      ...(spec.body ? { body: jsonSchema(spec.body) } : {}),
      ...(params.length
        ? {
            params: {
              type: 'object',
              properties: Object.fromEntries(params.map((p) => [p, { type: 'string' }])),
              required: params,
            },
          }
        : {}),
    },
    ...(spec.config ? { config: spec.config } : {}),
    handler: spec.handler,
  });
}
