import { describe, expect, it } from 'vitest';
import { USE_CASE_RULES, mayRespond, type UnblockUseCase } from './use-cases.js';

describe('use cases', () => {
  it('leave the last attempt to the help desk: self-service and online unlock refuse it with their own code', () => {
    expect(USE_CASE_RULES.operatorOfflineUnblock.lastAttempt).toEqual({ kind: 'needs-approval' });
    expect(USE_CASE_RULES.selfServiceOfflineUnblock.lastAttempt).toMatchObject({
      kind: 'refuse',
      code: 'self_service.last_attempt',
    });
    expect(USE_CASE_RULES.onlineUnlock.lastAttempt).toMatchObject({
      kind: 'refuse',
      code: 'online_unlock.last_attempt',
    });
  });

  // use case, remaining, may respond
  const cases: [UnblockUseCase, number, boolean][] = [
    ['operatorOfflineUnblock', 0, false],
    ['operatorOfflineUnblock', 1, true],
    ['operatorOfflineUnblock', 2, true],
    ['operatorOfflineUnblock', 15, true],
    ['selfServiceOfflineUnblock', 0, false],
    ['selfServiceOfflineUnblock', 1, false],
    ['selfServiceOfflineUnblock', 2, true],
    ['selfServiceOfflineUnblock', 15, true],
    ['onlineUnlock', 0, false],
    ['onlineUnlock', 1, false],
    ['onlineUnlock', 2, true],
  ];
  it.each(cases)('%s with %i left may respond: %s', (useCase, remaining, may) => {
    expect(mayRespond(useCase, remaining)).toBe(may);
  });
});
