import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_NAMES } from '@cardwarden/contract';
import { actionChoices } from './audit-action-choices.js';

describe('the audit page offers the actions of the vocabulary', () => {
  const values = (current: string) =>
    actionChoices(current).flatMap((group) => group.items.map((item) => item.value));

  it('lists every action once, each under its area after the whole area', () => {
    const listed = values('');
    expect(new Set(listed).size).toBe(listed.length);
    for (const action of AUDIT_ACTION_NAMES) expect(listed).toContain(action);
    const card = actionChoices('').find((group) => group.group === 'card.');
    expect(card?.items[0]).toEqual({ value: 'card.', label: 'Every “card.” action' });
    expect(card?.items).toContainEqual({
      value: 'card.registered',
      label: 'card.registered · Card registered',
    });
  });

  it('keeps an action of the address that the vocabulary does not know as a choice of its own', () => {
    expect(values('card.registered')).toEqual(values(''));
    const older = actionChoices('card.retired');
    expect(older[0]).toEqual({ group: 'Other', items: [{ value: 'card.retired', label: 'card.retired' }] });
  });
});
