import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTION_AREAS,
  AUDIT_ACTION_NAMES,
  AUDIT_ACTIONS,
  auditActionArea,
  describeAuditAction,
  isAuditAction,
} from './audit-actions.js';
import { auditEventProblem } from './audit-details.js';

describe('audit vocabulary', () => {
  it('names each action area.what in lower case, with a label', () => {
    for (const action of AUDIT_ACTION_NAMES) {
      expect(action).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(AUDIT_ACTIONS[action].length, action).toBeGreaterThan(5);
    }
    const labels = AUDIT_ACTION_NAMES.map(describeAuditAction);
    expect(new Set(labels).size, 'labels tell actions apart').toBe(labels.length);
  });

  it('keeps the names earlier issues check by', () => {
    for (const action of [
      'card.registered',
      'offline_unblock.response_issued',
      'offline_unblock.outcome_recorded',
      'issuance.key_pending',
      'auth.login_failed',
      'identity.lockout_cleared',
      'kek.rotated',
    ]) {
      expect(isAuditAction(action), action).toBe(true);
    }
  });

  it('groups actions by area', () => {
    expect(auditActionArea('card.registered')).toBe('card.');
    expect(AUDIT_ACTION_AREAS).toContain('offline_unblock.');
    expect(AUDIT_ACTION_AREAS.every((area) => area.endsWith('.'))).toBe(true);
  });

  it('describes an unknown action by its name', () => {
    expect(describeAuditAction('card.registered')).toBe('Card registered');
    expect(describeAuditAction('card.retired')).toBe('card.retired');
  });

  it('accepts the details a call site writes, with or without the optional ones', () => {
    const registered = {
      serial: 'CW-1',
      type: 'gids',
      profile: 'p',
      algorithm: '3des',
      kcv: 'A1B2C3',
      keySource: 'given',
    };
    expect(auditEventProblem('card.registered', registered)).toBeUndefined();
    expect(auditEventProblem('card.registered', { ...registered, masterVersion: 2 })).toBeUndefined();
    expect(auditEventProblem('second_factor.totp_enrolled', {})).toBeUndefined();
  });

  it('names what does not fit: an unknown action, a missing, unknown or mistyped detail', () => {
    expect(auditEventProblem('card.retired', {})).toMatch(/"card.retired" is not an audit action/);
    expect(auditEventProblem('auth.login', {})).toMatch(/^auth.login: address/);
    expect(auditEventProblem('auth.login', { address: '::1', password: 'x' })).toMatch(/password/);
    expect(
      auditEventProblem('kek.rotated', { resealed: '3', resealedMasters: 0, oldKekId: 'a', newKekId: 'b' }),
    ).toMatch(/resealed/);
    expect(auditEventProblem('second_factor.totp_enrolled', { secret: 'x' })).toMatch(/secret/);
  });
});
