import { fail, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type { MethodInput, TopicName } from '../../shared/contract/types.ts';
import { parseCall, parseOutput, parseTopic } from '../../shared/contract/validate.ts';
import { createCoreHost } from './coreHost.ts';
import type { CoreHost, CoreHostOptions, HostLog } from './coreHost.ts';
import { createDisputeGateway, isDisputeMethod } from './disputeGateway.ts';
import { createSettingsStore } from './settingsStore.ts';
import type { DeskSettings } from './settingsStore.ts';
import type { Authenticator, DeskUser, TokenVault } from './sessionTypes.ts';

export interface DeskHostOptions {
  core: CoreHostOptions;
  /** null keeps settings in memory only (tests, throwaway web sessions). */
  settingsFile: string | null;
  /** Which authenticator to use for the current settings (server URL, or demo accounts). */
  authenticatorFor(settings: DeskSettings): Authenticator;
  vault: TokenVault;
  /** The central server for these settings (dispute desk calls); defaults to settings.serverUrl. */
  serverUrlFor?(settings: DeskSettings): string | null;
  nowMs?: () => number;
  log?: HostLog;
}

/** The one entry point every transport (Electron IPC, web mode) hands calls to. */
export interface DeskHost {
  /** Validates, routes and answers a call. Never throws and never leaves a call hanging. */
  call(method: unknown, input: unknown): Promise<Result<unknown>>;
  subscribe(listener: (topic: TopicName, payload: unknown) => void): () => void;
  readonly core: CoreHost;
  close(): Promise<void>;
}

function actorOf(user: DeskUser): Actor {
  return user.merchantId
    ? { role: user.role, userId: user.userId, merchantId: user.merchantId }
    : { role: user.role, userId: user.userId };
}

/**
 * Session and settings live here, on the host side, so a worker crash never signs anyone out;
 * everything else goes to the core worker with the signed-in user as the actor. Nothing the
 * renderer sends can choose the actor.
 */
export function createDeskHost(options: DeskHostOptions): DeskHost {
  const log: HostLog = options.log ?? (() => {});
  const nowMs = options.nowMs ?? Date.now;
  const core = createCoreHost({ ...options.core, log });
  const settings = createSettingsStore(options.settingsFile);
  let user: DeskUser | null = null;
  let resumeTried = false;

  /** Once per launch: a token kept from the last run signs the user back in if still valid. */
  async function resume(): Promise<void> {
    resumeTried = true;
    const token = options.vault.load();
    const authenticator = options.authenticatorFor(settings.get());
    if (!token || !authenticator.resume) return;
    const resumed = await authenticator.resume(token);
    if (!resumed.ok) {
      if (resumed.error.code === 'unauthorized') options.vault.clear();
      return;
    }
    user = resumed.value;
    core.setSession({ serverUrl: authenticator.serverUrl ?? null, token, actor: actorOf(user) });
  }
  const disputes = createDisputeGateway({
    serverUrl: () => options.serverUrlFor?.(settings.get()) ?? settings.get().serverUrl,
    token: () => options.vault.load(),
  });

  async function route(method: string, input: unknown): Promise<Result<unknown>> {
    switch (method) {
      case 'session.signIn': {
        const { username, password } = input as MethodInput<'session.signIn'>;
        const authenticator = options.authenticatorFor(settings.get());
        const signedIn = await authenticator.signIn(username, password);
        if (!signedIn.ok) return signedIn;
        const saved = options.vault.save(signedIn.value.token);
        if (!saved.ok) return saved;
        user = signedIn.value.user;
        core.setSession({
          serverUrl: authenticator.serverUrl ?? null,
          token: signedIn.value.token,
          actor: actorOf(user),
        });
        return ok({ user });
      }
      case 'session.current':
        if (!user && !resumeTried) await resume();
        return ok({ user });
      case 'session.signOut':
        user = null;
        options.vault.clear();
        core.setSession(null);
        return ok({});
      case 'print.savePdf':
        // The Electron shell answers this itself (it owns the window); anywhere else it cannot.
        return fail('unsupported', 'saving a PDF needs the desktop app; use the print dialog');
      case 'settings.get':
        return ok(settings.get());
      case 'settings.set': {
        const patch = input as MethodInput<'settings.set'>;
        const before = settings.get();
        const next = settings.update(patch);
        // Another server means other accounts: the old session must not carry over.
        if (before.serverUrl !== next.serverUrl) {
          user = null;
          options.vault.clear();
          core.setSession(null);
        }
        return ok(next);
      }
      default:
        if (!user) return fail('unauthorized', 'sign in first');
        if (isDisputeMethod(method)) return disputes(method, input, user);
        return core.call(method as never, input, actorOf(user), nowMs());
    }
  }

  return {
    core,
    async call(method, input) {
      try {
        const parsed = parseCall(method, input);
        if (!parsed.ok) return parsed;
        const result = await route(parsed.value.method, parsed.value.input);
        if (!result.ok) return result;
        return parseOutput(parsed.value.method, result.value);
      } catch (err) {
        log(
          'error',
          `call ${String(method).slice(0, 80)} failed: ${(err as Error).stack ?? String(err)}`,
        );
        return fail('internal', 'the desk hit an unexpected error');
      }
    },
    subscribe(listener) {
      return core.onEvent((topic, payload) => {
        const parsed = parseTopic(topic, payload);
        if (parsed.ok) listener(topic, parsed.value);
        else log('error', parsed.error.message);
      });
    },
    close: () => core.close(),
  };
}
