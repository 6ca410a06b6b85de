// `npm run sign-update-feed [-- release]`: signs the update feeds electron-builder wrote
// (release/latest*.yml) with the release key, so packaged desks accept the update
// (electron/main/updateSignature.ts). ESCROW_DESK_UPDATE_SIGNING_KEY is the Ed25519 private
// key (PEM, or a file holding it); keep it on the release machine only. `npm run dist` runs
// this itself when the key is set.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { feedSignatureProblem, signFeedFile } from '../electron/main/updateSignature.ts';
import type { FeedInfo } from '../electron/main/updateSignature.ts';

// js-yaml is what electron-builder writes and electron-updater reads these files with.
const yaml = createRequire(import.meta.url)('js-yaml') as {
  load(text: string): unknown;
  dump(value: unknown, options?: { lineWidth?: number }): string;
};

const readPem = (value: string) =>
  value.startsWith('-----BEGIN') ? value : readFileSync(value, 'utf8');

async function sha512Of(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

export async function signFeeds(dir: string, privateKeyPem: string, publicKeyPem: string | null) {
  const feeds = readdirSync(dir).filter((f) => /^latest.*\.yml$/.test(f));
  if (feeds.length === 0) throw new Error(`no latest*.yml in ${dir}`);
  for (const name of feeds) {
    const info = yaml.load(readFileSync(join(dir, name), 'utf8')) as FeedInfo;
    // The single-file form would bypass the signed file list: packaged desks refuse it.
    delete info.path;
    delete info.sha512;
    for (const file of info.files ?? []) {
      const artifact = join(dir, file.url);
      if (existsSync(artifact) && (await sha512Of(artifact)) !== file.sha512)
        throw new Error(`${name}: ${file.url} does not match its sha512`);
      file.signature = signFeedFile(privateKeyPem, info.version, file);
    }
    if (publicKeyPem) {
      const problem = feedSignatureProblem(info, publicKeyPem);
      if (problem) throw new Error(`${name}: ${problem} (is the key pair right?)`);
    }
    writeFileSync(join(dir, name), yaml.dump(info, { lineWidth: -1 }));
    console.log(`signed ${name} (${info.files?.length ?? 0} files)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const key = process.env.ESCROW_DESK_UPDATE_SIGNING_KEY;
  if (!key) {
    console.error('ESCROW_DESK_UPDATE_SIGNING_KEY (Ed25519 private key, PEM or file) is not set');
    process.exit(1);
  }
  const publicKey = process.env.ESCROW_DESK_UPDATE_PUBLIC_KEY;
  await signFeeds(
    resolve(process.argv[2] ?? 'release'),
    readPem(key),
    publicKey ? readPem(publicKey) : null,
  );
}
