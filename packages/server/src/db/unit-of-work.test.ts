import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting, putSetting } from '../repositories/settings.repository.js';
import { openDatabase, type DatabaseHandle } from './connect.js';
import { afterCommit, inTransaction, unitOfWork, type Transaction } from './unit-of-work.js';

describe('inTransaction', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ kind: 'pglite', dir: undefined });
  });
  afterAll(async () => {
    await handle.close();
  });

  it('commits what the work wrote, then runs its after-commit effects in order', async () => {
    const seen: string[] = [];
    const result = await inTransaction(handle.db, async (tx) => {
      await putSetting(tx, 'uow.commit', 'written');
      afterCommit(tx, () => seen.push('first'));
      afterCommit(tx, () => seen.push('second'));
      seen.push('work done');
      return 'answer';
    });
    expect(result).toBe('answer');
    expect(seen).toEqual(['work done', 'first', 'second']);
    expect(await getSetting(handle.db, 'uow.commit')).toBe('written');
  });

  it('rolls back when the work throws, and runs no effect', async () => {
    const seen: string[] = [];
    await expect(
      inTransaction(handle.db, async (tx) => {
        await putSetting(tx, 'uow.rollback', 'written');
        afterCommit(tx, () => seen.push('effect'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(seen).toEqual([]);
    expect(await getSetting(handle.db, 'uow.rollback')).toBeUndefined();
  });

  it('refuses an after-commit effect once its transaction has ended', async () => {
    let ended: Transaction | undefined;
    await inTransaction(handle.db, (tx) => {
      ended = tx;
      return Promise.resolve();
    });
    if (!ended) throw new Error('the work did not run');
    const late = ended;
    expect(() => {
      afterCommit(late, () => undefined);
    }).toThrow(/afterCommit needs a transaction/);
  });

  it('gives a unit of work that opens one transaction per call', async () => {
    const uow = unitOfWork(handle.db);
    await uow((tx) => putSetting(tx, 'uow.first', 'one'));
    await expect(
      uow(async (tx) => {
        await putSetting(tx, 'uow.second', 'two');
        throw new Error('second refused');
      }),
    ).rejects.toThrow('second refused');
    expect(await getSetting(handle.db, 'uow.first')).toBe('one');
    expect(await getSetting(handle.db, 'uow.second')).toBeUndefined();
  });

  it('types a transaction apart from the database (checked by the typecheck)', () => {
    const step = (_tx: Transaction): boolean => true;
    // @ts-expect-error: a plain Database is not a Transaction, so a step cannot be handed ctx.db.
    expect(step(handle.db)).toBe(true);
    // @ts-expect-error: inTransaction never opens one inside another (that would be a savepoint).
    const nested = (tx: Transaction) => inTransaction(tx, () => Promise.resolve());
    expect(typeof nested).toBe('function');
  });
});
