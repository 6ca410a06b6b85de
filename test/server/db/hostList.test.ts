import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionLoss, NoWritableHostError } from '../../../server/db/connectionLoss.ts';
import { HostListError, parseHostList } from '../../../server/db/hostList.ts';

describe('libpq host lists', () => {
  it('splits a host list into one URL per host, in order, keeping credentials and parameters', () => {
    const list = parseHostList(
      'postgres://app:s3cret@db1:5432,db2:5433,db3/escrow?target_session_attrs=read-write&application_name=api&connect_timeout=2',
    );
    assert.deepEqual(list.urls, [
      'postgres://app:s3cret@db1:5432/escrow?application_name=api',
      'postgres://app:s3cret@db2:5433/escrow?application_name=api',
      'postgres://app:s3cret@db3/escrow?application_name=api',
    ]);
    assert.deepEqual(list.labels, ['db1:5432', 'db2:5433', 'db3:5432']);
    assert.equal(list.targetSessionAttrs, 'read-write');
    assert.equal(list.connectTimeoutMs, 2_000);
  });

  it('leaves a one-host URL as it was, accepting any session', () => {
    const list = parseHostList('postgresql://postgres@127.0.0.1:5432/test');
    assert.deepEqual(list.urls, ['postgresql://postgres@127.0.0.1:5432/test']);
    assert.equal(list.targetSessionAttrs, 'any');
  });

  it('keeps the password out of the labels used in messages', () => {
    const list = parseHostList('postgres://u:pw@[::1]:5433,h2/db');
    assert.deepEqual(list.labels, ['[::1]:5433', 'h2:5432']);
    assert.ok(!list.labels.join().includes('pw'));
  });

  it('refuses what a writing API cannot use', () => {
    assert.throws(
      () => parseHostList('postgres://h1,h2/db?target_session_attrs=standby'),
      HostListError,
    );
    assert.throws(() => parseHostList('postgres://h1,,h2/db'), HostListError);
    assert.throws(() => parseHostList('postgres://h1/db?connect_timeout=soon'), HostListError);
  });
});

describe('connection loss', () => {
  it('is a dead socket, a server going away, a standby, or no writable host', () => {
    for (const err of [
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
        code: '25006',
      }),
      Object.assign(new Error('server conn crashed?'), { code: '08P01' }),
      new Error('Connection terminated unexpectedly'),
      new NoWritableHostError(['h1:5432'], ['h1:5432: refused']),
    ])
      assert.equal(isConnectionLoss(err), true, err.message);
  });

  it('is not an error about the statement or the data', () => {
    for (const err of [
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      Object.assign(new Error('could not serialize'), { code: '40001' }),
      Object.assign(new Error('syntax error'), { code: '42601' }),
      new RangeError('out of range'),
      null,
      'text',
    ])
      assert.equal(isConnectionLoss(err), false, String(err));
  });
});
