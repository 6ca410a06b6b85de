import { serverUrlProblem } from '../../shared/serverUrl.ts';

/**
 * The environment variables a developer or a test uses to point the desk elsewhere. In a
 * packaged build every one of them is ignored: a variable set by another program (or a
 * shortcut's command line) must not move the user's data, load a native addon from an
 * arbitrary path around the fuses, swap the update feed or send passwords to another server.
 */
export const OVERRIDE_VARIABLES = [
  'ESCROW_DESK_USER_DATA',
  'ESCROW_DESK_NATIVE_BINDING',
  'ESCROW_DESK_UPDATE_URL',
  'ESCROW_DESK_SERVER_URL',
] as const;

export interface RuntimeOverrides {
  /** Another profile folder (tests, side-by-side runs). */
  userDataDir: string | null;
  /** better-sqlite3 built for Electron's ABI (`npm start` builds one under .data/). */
  nativeBinding: string | null;
  /** Another generic update feed (https only). */
  updateFeedUrl: string | null;
  /** The central API (https, or plain http on loopback). */
  serverUrl: string | null;
  /** Variables that were set but ignored because the build is packaged (to log, by name). */
  ignored: string[];
  /** Variables whose value is refused, each with the reason: the desk must not start. */
  refused: string[];
}

const value = (env: Record<string, string | undefined>, name: string): string | null =>
  env[name] ? (env[name] as string) : null;

export function runtimeOverrides(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
): RuntimeOverrides {
  if (isPackaged) {
    return {
      userDataDir: null,
      nativeBinding: null,
      updateFeedUrl: null,
      serverUrl: null,
      ignored: OVERRIDE_VARIABLES.filter((name) => env[name] !== undefined),
      refused: [],
    };
  }
  const refused: string[] = [];
  const serverUrl = value(env, 'ESCROW_DESK_SERVER_URL');
  const serverProblem = serverUrl === null ? null : serverUrlProblem(serverUrl);
  if (serverProblem) refused.push(`ESCROW_DESK_SERVER_URL: ${serverProblem}`);
  const updateFeedUrl = value(env, 'ESCROW_DESK_UPDATE_URL');
  const feedRefused = updateFeedUrl !== null && !updateFeedUrl.startsWith('https://');
  if (feedRefused) refused.push('ESCROW_DESK_UPDATE_URL: the update feed must be an https URL');
  return {
    userDataDir: value(env, 'ESCROW_DESK_USER_DATA'),
    nativeBinding: value(env, 'ESCROW_DESK_NATIVE_BINDING'),
    updateFeedUrl: feedRefused ? null : updateFeedUrl,
    serverUrl: serverProblem ? null : serverUrl,
    ignored: [],
    refused,
  };
}
