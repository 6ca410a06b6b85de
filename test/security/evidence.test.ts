// Issue 12, "Evidence downloads are served with the uploader's claimed content-type … and there
// is no per-user quota" and "a truncated multipart upload gets a 500".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer } from '../server/testServer.ts';
import type { PersonName, TestServer } from '../server/testServer.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('evidence files', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('evidence_sec', { evidenceQuota: { files: 4, bytes: 2_000 } });
  });
  after(() => t.close());

  async function upload(who: PersonName, name: string, type: string, content: Buffer) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(content)], { type }), name);
    const r = await fetch(`${t.url}/v1/evidence`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(who)}` },
      body: form,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: r.status, body: (await r.json()) as any };
  }

  async function download(sha256: string, who: PersonName) {
    return fetch(`${t.url}/v1/evidence/${sha256}`, {
      headers: { authorization: `Bearer ${await t.token(who)}` },
    });
  }

  it('HTML uploaded as text/html comes back as an opaque, sandboxed download', async () => {
    const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
    const up = await upload('buyer1', 'proof.html', 'text/html', html);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const { sha256, mime } = up.body.evidence as { sha256: string; mime: string };
    assert.equal(mime, 'application/octet-stream');
    const r = await download(sha256, 'buyer1');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-security-policy') ?? '', /sandbox/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment;/);
  });

  it('the type comes from the bytes: a PNG claimed to be HTML is served as image/png', async () => {
    const up = await upload('buyer1', 'photo.html', 'text/html', PNG);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const r = await download((up.body.evidence as { sha256: string }).sha256, 'buyer1');
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment;/);
  });

  it('per-user quotas on count and bytes answer 413 evidence_quota_exceeded', async () => {
    // buyer2: 1,500 bytes, then 600 more would pass 2,000.
    assert.equal((await upload('buyer2', 'a.bin', 'x/y', Buffer.alloc(1_500, 1))).status, 201);
    const big = await upload('buyer2', 'b.bin', 'x/y', Buffer.alloc(600, 2));
    assert.equal(big.status, 413, JSON.stringify(big.body));
    assert.equal((big.body.error as { code: string }).code, 'evidence_quota_exceeded');
    // staff1: four small files, the fifth is over the count.
    for (let i = 0; i < 4; i++)
      assert.equal((await upload('staff1', `f${i}`, 'x/y', Buffer.from(`file ${i}`))).status, 201);
    const fifth = await upload('staff1', 'f5', 'x/y', Buffer.from('file 5'));
    assert.equal(fifth.status, 413);
    assert.equal((fifth.body.error as { code: string }).code, 'evidence_quota_exceeded');
    // The same file again is not a new one.
    assert.equal((await upload('staff1', 'again', 'x/y', Buffer.from('file 0'))).status, 201);
  });

  it('a truncated multipart upload is a 400, not a 500', async () => {
    const boundary = '----escrowdeskboundary';
    const whole = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.alloc(5_000, 7),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const cut = whole.subarray(0, 2_000);
    const r = await fetch(`${t.url}/v1/evidence`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await t.token('agent2')}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: cut,
    });
    const body = (await r.json()) as { error: { code: string } };
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(body.error.code, 'invalid_input');
  });
});
