import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_NAMES } from '@cardwarden/contract';
import { actionChoices } from './audit-action-choices.js';

describe('the audit page offers the actions of the vocabulary', () => {
  const values = (current: string) => actionChoices(current).map((choice) => choice.value);

  it('lists every action once, each after the whole of its area', () => {
    const listed = values('');
    expect(new Set(listed).size).toBe(listed.length);
    for (const action of AUDIT_ACTION_NAMES) expect(listed).toContain(action);
    const area = listed.indexOf('card.');
    expect(actionChoices('')[area]).toEqual({ value: 'card.', label: 'Every “card.” action' });
    expect(listed.indexOf('card.registered')).toBeGreaterThan(area);
    expect(actionChoices('')).toContainEqual({
      value: 'card.registered',
      label: 'card.registered · Card registered',
    });
  });

  it('keeps an action of the address that the vocabulary does not know as a choice of its own', () => {
    expect(values('card.registered')).toEqual(values(''));
    expect(actionChoices('card.retired')[0]).toEqual({ value: 'card.retired', label: 'card.retired' });
  });
});
