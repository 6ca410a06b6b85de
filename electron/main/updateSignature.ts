import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Signed update feeds. electron-updater checks a downloaded installer against the sha512 in
 * the feed's latest*.yml, but the feed itself is unsigned: whoever can serve it (a hijacked
 * host, a mirror, a proxy) chooses the installer. Here the release key signs, per file, the
 * version, file name, size and sha512 (Ed25519); the desk carries the public key (set at
 * packaging) and accepts an update only when every file of the feed is signed by it. The
 * download is then bound to the signed sha512 by electron-updater's own digest check.
 *
 * Plain Node: the packaged app verifies, `npm run sign-update-feed` signs (same message).
 */

export interface FeedFile {
  url: string;
  sha512?: string;
  size?: number;
  /** Base64 Ed25519 signature over `updateMessage(version, file)`. */
  signature?: string;
}

export interface FeedInfo {
  version: string;
  files?: FeedFile[];
  /** Deprecated single-file form electron-updater still honours when `files` is empty. */
  path?: string;
  sha512?: string;
}

/** What is signed for one file: fixed field order, one per line, versioned. */
export function updateMessage(version: string, file: FeedFile): Buffer {
  return Buffer.from(
    ['escrow-desk-update-v1', version, file.url, String(file.size ?? ''), file.sha512 ?? ''].join(
      '\n',
    ),
    'utf8',
  );
}

export function signFeedFile(privateKeyPem: string, version: string, file: FeedFile): string {
  return sign(null, updateMessage(version, file), createPrivateKey(privateKeyPem)).toString(
    'base64',
  );
}

/**
 * Why this feed must not be installed, or null when every file is signed by the key. Refuses
 * the deprecated top-level `path` form (it would bypass `files`), files without a sha512,
 * unsigned files and a key that is not Ed25519.
 */
export function feedSignatureProblem(info: FeedInfo, publicKeyPem: string): string | null {
  let key;
  try {
    key = createPublicKey(publicKeyPem);
  } catch {
    return 'the update public key cannot be read';
  }
  if (key.asymmetricKeyType !== 'ed25519') return 'the update public key is not Ed25519';
  if (typeof info.version !== 'string') return 'the feed has no version';
  if (info.path !== undefined || info.sha512 !== undefined)
    return 'the feed uses the unsigned single-file form (path/sha512)';
  if (!Array.isArray(info.files) || info.files.length === 0) return 'the feed lists no files';
  for (const file of info.files) {
    if (typeof file.url !== 'string' || !file.sha512) return 'a feed file has no sha512';
    if (!file.signature) return `${file.url.slice(0, 100)} is not signed`;
    const ok = verify(
      null,
      updateMessage(info.version, file),
      key,
      Buffer.from(file.signature, 'base64'),
    );
    if (!ok) return `${file.url.slice(0, 100)}: the signature does not match the release key`;
  }
  return null;
}
