import type { z } from 'zod';
import { fail, ok } from '../errors.ts';
import type { Result } from '../errors.ts';
import { deskContract, deskTopics } from './deskContract.ts';
import { TEXT_ISSUE } from './fields.ts';
import type { MethodName, MethodOutput, ParsedInput, TopicName, TopicPayload } from './types.ts';

export const METHOD_NAMES = Object.keys(deskContract) as MethodName[];
export const TOPIC_NAMES = Object.keys(deskTopics) as TopicName[];

/** Own keys only: `constructor` or `__proto__` as a method name must not reach a prototype. */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(deskContract, name);
}

export function isTopicName(name: unknown): name is TopicName {
  return typeof name === 'string' && Object.hasOwn(deskTopics, name);
}

type Issue = z.ZodError['issues'][number];

/** Messages quote the path and zod's wording, never the offending value (it may be huge). */
function describe(error: z.ZodError, issue: Issue | undefined = error.issues[0]): string {
  if (!issue) return 'invalid input';
  const path = issue.path.map(String).join('.').slice(0, 100) || '(input)';
  return `${path}: ${issue.message.slice(0, 200)}`;
}

/** A refusal by the text rule (fields.ts `plainText`), wherever it sits in the input. */
function textIssue(error: z.ZodError): Issue | undefined {
  return error.issues.find(
    (issue) =>
      issue.code === 'custom' &&
      (issue.params as { code?: unknown } | undefined)?.code === TEXT_ISSUE.code,
  );
}

/** Checks a call's method name and input; the parsed input is what the handlers receive. */
export function parseCall(
  method: unknown,
  input: unknown,
): Result<{ method: MethodName; input: unknown }> {
  if (!isMethodName(method)) {
    return fail('unknown_method', `unknown method ${JSON.stringify(String(method).slice(0, 80))}`);
  }
  const parsed = parseInput(method, input);
  return parsed.ok ? ok({ method, input: parsed.value }) : parsed;
}

/** The same check with the method known: the handler's typed input. */
export function parseInput<M extends MethodName>(
  method: M,
  input: unknown,
): Result<ParsedInput<M>> {
  const parsed = deskContract[method].input.safeParse(input);
  if (!parsed.success) {
    const text = textIssue(parsed.error);
    if (text) return fail('invalid_text', describe(parsed.error, text));
    return fail('invalid_input', describe(parsed.error));
  }
  return ok(parsed.data as ParsedInput<M>);
}

/**
 * Checks what a handler produced before it leaves the host. A mismatch is the host's bug, so it
 * becomes `internal`, never a half-shaped value in the renderer.
 */
export function parseOutput<M extends MethodName>(
  method: M,
  value: unknown,
): Result<MethodOutput<M>> {
  const parsed = deskContract[method].output.safeParse(value);
  if (!parsed.success) return fail('internal', `bad ${method} output: ${describe(parsed.error)}`);
  return ok(parsed.data as MethodOutput<M>);
}

export function parseTopic<T extends TopicName>(
  topic: T,
  payload: unknown,
): Result<TopicPayload<T>> {
  const parsed = deskTopics[topic].safeParse(payload);
  if (!parsed.success) return fail('internal', `bad ${topic} payload: ${describe(parsed.error)}`);
  return ok(parsed.data as TopicPayload<T>);
}
