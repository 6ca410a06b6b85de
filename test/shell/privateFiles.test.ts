import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  ensurePrivateDir,
  ensurePrivateFile,
  preparePrivateDataDir,
  tightenPrivateTree,
} from '../../electron/platform/privateFiles.ts';
import { createFileLog } from '../../electron/host/fileLog.ts';

const posix = process.platform !== 'win32';
/** A skip that says why: file modes are POSIX; on Windows the profile folder's ACLs apply. */
const NOT_POSIX = posix ? false : 'POSIX file modes only (Windows uses the profile ACLs)';
const root = mkdtempSync(join(tmpdir(), 'desk-private-'));
after(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (path: string) => statSync(path).mode & 0o777;

test(
  'ensurePrivateDir creates 0700 folders and tightens an existing 0755 one',
  { skip: NOT_POSIX },
  () => {
    const fresh = join(root, 'a', 'b');
    ensurePrivateDir(fresh);
    assert.equal(modeOf(fresh), 0o700);
    const old = join(root, 'old');
    mkdirSync(old, { mode: 0o755 });
    ensurePrivateDir(old);
    assert.equal(modeOf(old), 0o700);
  },
);

test(
  'ensurePrivateFile creates an empty 0600 file, keeps content, tightens a 0644 one',
  { skip: NOT_POSIX },
  () => {
    const file = join(root, 'desk.db');
    ensurePrivateFile(file);
    assert.equal(modeOf(file), 0o600);
    assert.equal(statSync(file).size, 0);
    const old = join(root, 'old.db');
    writeFileSync(old, 'data', { mode: 0o644 });
    ensurePrivateFile(old);
    assert.equal(modeOf(old), 0o600);
    assert.equal(statSync(old).size, 4);
  },
);

test(
  'tightenPrivateTree makes what an older desk left 0700/0600 and leaves symlinks alone',
  { skip: NOT_POSIX },
  () => {
    const dir = join(root, 'userData');
    mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'desk.db'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o664 });
    writeFileSync(join(dir, 'logs', 'desk.log'), '', { mode: 0o644 });
    const outside = join(root, 'outside.txt');
    writeFileSync(outside, '', { mode: 0o644 });
    symlinkSync(outside, join(dir, 'link'));
    const changed = preparePrivateDataDir(dir);
    assert.ok(changed >= 4, `changed ${changed}`);
    assert.equal(modeOf(dir), 0o700);
    assert.equal(modeOf(join(dir, 'logs')), 0o700);
    for (const f of ['desk.db', 'settings.json', 'logs/desk.log'])
      assert.equal(modeOf(join(dir, f)), 0o600, f);
    assert.equal(modeOf(outside), 0o644, 'a symlink target outside the folder was changed');
    assert.equal(tightenPrivateTree(dir), 0, 'a second pass changes nothing');
  },
);

test('the file log writes a 0600 file in a 0700 folder', { skip: NOT_POSIX }, () => {
  const log = createFileLog(join(root, 'logs2'));
  log.write('info', 'hello');
  assert.equal(modeOf(join(root, 'logs2')), 0o700);
  assert.equal(modeOf(log.file), 0o600);
});

test(
  'restrictUmask: files created afterwards by code passing no mode are 0600',
  { skip: NOT_POSIX },
  () => {
    const file = join(root, 'by-umask.json');
    const script = `
    import { restrictUmask } from './electron/platform/privateFiles.ts';
    import { writeFileSync } from 'node:fs';
    process.umask(0o022);
    restrictUmask();
    writeFileSync(${JSON.stringify(file)}, '{}');`;
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(modeOf(file), 0o600);
  },
);

test('on Windows the helpers create folders and files but leave permissions to the ACLs', () => {
  const dir = join(root, 'win');
  ensurePrivateDir(dir, 'win32');
  ensurePrivateFile(join(dir, 'x.db'), 'win32');
  assert.equal(tightenPrivateTree(dir, 'win32'), 0);
});
