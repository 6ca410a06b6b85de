import { fail, ok } from '../../shared/errors.ts';
import type { Result } from '../../shared/errors.ts';
import type { Actor } from '../../shared/escrow/types.ts';
import type {
  HostMethod,
  MethodName,
  MethodOutput,
  ParsedInput,
  TopicName,
} from '../../shared/contract/types.ts';
import { parseCall, parseInput, parseOutput, parseTopic } from '../../shared/contract/validate.ts';
import { createCoreHost } from './coreHost.ts';
import type { CoreHost, CoreHostOptions, HostLog } from './coreHost.ts';
import { createSettingsStore } from './settingsStore.ts';
import type { DeskSettings } from './settingsStore.ts';
import type { Authenticator, DeskUser, TokenVault } from './sessionTypes.ts';

export interface DeskHostOptions {
  core: CoreHostOptions;
  /** null keeps settings in memory only (tests, throwaway web sessions). */
  settingsFile: string | null;
  /** The central server for these settings; null when none is configured (sign-in refuses). */
  authenticatorFor(settings: DeskSettings): Authenticator | null;
  vault: TokenVault;
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

type HostHandlers = {
  [M in HostMethod]: (input: ParsedInput<M>) => Promise<Result<MethodOutput<M>>>;
};

/**
 * Session and settings live here, on the host side, so a worker crash never signs anyone out;
 * every other method goes to the core worker, which answers from the signed-in user's own
 * replica. Nothing the renderer sends can choose the actor or the replica.
 */
export function createDeskHost(options: DeskHostOptions): DeskHost {
  const log: HostLog = options.log ?? (() => {});
  const nowMs = options.nowMs ?? Date.now;
  const core = createCoreHost({ ...options.core, log });
  const settings = createSettingsStore(options.settingsFile);
  let user: DeskUser | null = null;
  let resumeTried = false;

  function begin(authenticator: Authenticator, token: string, who: DeskUser): void {
    user = who;
    core.setSession({ serverUrl: authenticator.serverUrl, token, actor: actorOf(who) });
  }

  function end(): void {
    const token = options.vault.load();
    const authenticator = options.authenticatorFor(settings.get());
    if (token && authenticator) void authenticator.signOut(token).catch(() => undefined);
    user = null;
    options.vault.clear();
    core.setSession(null);
  }

  /** Once per launch: a token kept from the last run signs the user back in if still valid. */
  async function resume(): Promise<void> {
    resumeTried = true;
    const token = options.vault.load();
    const authenticator = options.authenticatorFor(settings.get());
    if (!token || !authenticator) return;
    const resumed = await authenticator.resume(token);
    if (!resumed.ok) {
      if (resumed.error.code === 'unauthorized') options.vault.clear();
      return;
    }
    begin(authenticator, token, resumed.value);
  }

  const hostHandlers: HostHandlers = {
    async 'session.signIn'({ username, password }) {
      const authenticator = options.authenticatorFor(settings.get());
      if (!authenticator)
        return fail('server_required', 'no central server is configured: enter its address');
      const signedIn = await authenticator.signIn(username, password);
      if (!signedIn.ok) return signedIn;
      // Whoever was signed in before is signed out first: their replica closes with them.
      if (user) end();
      const saved = options.vault.save(signedIn.value.token);
      if (!saved.ok) return saved;
      begin(authenticator, signedIn.value.token, signedIn.value.user);
      return ok({ user: signedIn.value.user });
    },
    async 'session.current'() {
      if (!user && !resumeTried) await resume();
      return ok({ user });
    },
    async 'session.signOut'() {
      // Unsent actions stay in the user's replica file and go out at their next sign-in.
      end();
      return ok({});
    },
    async 'print.savePdf'() {
      // The Electron shell answers this itself (it owns the window); anywhere else it cannot.
      return fail('unsupported', 'saving a PDF needs the desktop app; use the print dialog');
    },
    async 'shell.notify'() {
      // The Electron shell answers this itself (it owns the OS notifications); web mode's page
      // uses the browser's Notification.
      return fail('unsupported', 'desktop notifications come from the desktop app or the browser');
    },
    async 'settings.get'() {
      return ok(settings.get());
    },
    async 'settings.set'(patch) {
      const before = settings.get();
      // Another server means other accounts: the old session must not carry over.
      if (patch.serverUrl !== undefined && before.serverUrl !== patch.serverUrl && user) end();
      return ok(settings.update(patch));
    },
  };

  // The host's methods are exactly its handler map's keys (HostHandlers is exhaustive).
  const isHostMethod = (method: MethodName): method is HostMethod =>
    Object.hasOwn(hostHandlers, method);

  async function runHost<M extends HostMethod>(method: M, input: unknown) {
    const parsed = parseInput(method, input);
    if (!parsed.ok) return parsed;
    const handler: HostHandlers[M] = hostHandlers[method];
    return handler(parsed.value);
  }

  async function route(method: unknown, input: unknown): Promise<Result<unknown>> {
    const parsed = parseCall(method, input);
    if (!parsed.ok) return parsed;
    const name = parsed.value.method;
    const result = isHostMethod(name)
      ? await runHost(name, input)
      : user
        ? await core.call(name, parsed.value.input, nowMs())
        : fail('unauthorized', 'sign in first');
    if (!result.ok) return result;
    return parseOutput(name, result.value);
  }

  return {
    core,
    async call(method, input) {
      try {
        return await route(method, input);
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
