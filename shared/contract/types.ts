import type { z } from 'zod';
import type { Result } from '../errors.ts';
import type { deskContract, deskTopics } from './deskContract.ts';

/** Types derived from the contract object; nothing here is written twice by hand. */
export type DeskContract = typeof deskContract;
export type MethodName = keyof DeskContract;
export type MethodInput<M extends MethodName> = z.input<DeskContract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<DeskContract[M]['output']>;
/** What a handler receives: the input after the contract's schema parsed it (defaults, trims). */
export type ParsedInput<M extends MethodName> = z.output<DeskContract[M]['input']>;

/**
 * Methods the host answers on the main thread: who is signed in, settings, and the window's own
 * work. Every other method is answered by the core worker for the signed-in user.
 */
export type HostMethod =
  | 'session.signIn'
  | 'session.current'
  | 'session.signOut'
  | 'settings.get'
  | 'settings.set'
  | 'print.savePdf'
  | 'shell.notify';
export type CoreMethod = Exclude<MethodName, HostMethod>;

export type TopicName = keyof typeof deskTopics;
export type TopicPayload<T extends TopicName> = z.output<(typeof deskTopics)[T]>;

export type Namespace = MethodName extends `${infer NS}.${string}` ? NS : never;

/** What a caller sees: `desk.orders.list(input)` resolves to a Result, never throws. */
export type DeskApi = {
  [NS in Namespace]: {
    [M in MethodName as M extends `${NS}.${infer F}` ? F : never]: (
      input: MethodInput<M>,
    ) => Promise<Result<MethodOutput<M>>>;
  };
} & {
  subscribe<T extends TopicName>(
    topic: T,
    listener: (payload: TopicPayload<T>) => void,
  ): () => void;
};

/** The two primitives every transport provides; `buildDeskApi` turns them into a `DeskApi`. */
export interface DeskTransport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>;
  subscribe(topic: TopicName, listener: (payload: unknown) => void): () => void;
}
