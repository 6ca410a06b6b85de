import { hash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where one user's replica of one central server lives: `<dataDir>/replicas/<server>/<user>.db`.
 * The server part is a digest of its normalised URL (a URL is not a safe file name); the user
 * part keeps a readable prefix of the id for support, plus a digest so distinct ids never
 * share a file. Folders are created private (0700).
 */
export function replicaFile(dataDir: string, serverUrl: string, userId: string): string {
  const server = digest(new URL(serverUrl).origin.toLowerCase());
  const readable = userId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  const dir = join(dataDir, 'replicas', server);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${readable}-${digest(userId)}.db`);
}

const digest = (text: string): string => hash('sha256', text, 'hex').slice(0, 16);
