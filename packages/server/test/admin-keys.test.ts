import { expect, it } from 'vitest';
import {
  cardRegistration,
  registerCard,
  TPM_DEFAULT_KEY,
  type Fixture,
  useServerWithFixture,
} from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Card = {
  adminKey: { attemptsRemaining: number; attemptsUsed: number; blocked: boolean; kcv: string };
  offlineUnblock: { available: boolean; reason: string | null; message: string | null };
};
const CHALLENGE = '0557897F8D84407B';

forEachDatabase('admin keys: check values, resetting the count, blocked keys', (kind) => {
  let server: TestServer;
  let f: Fixture;
  useServerWithFixture(kind, (started) => ({ server, f } = started));

  /** Spends `count` attempts of a fresh card in one session (a supervisor approves the last one). */
  async function spend(cardId: string, count: number): Promise<string> {
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: cardId }),
      {},
    );
    const url = pathTo(api.offlineUnblocks.get, { id: session.body.id });
    for (let i = 0; i < count; i++) {
      const card = await f.operator.get<Card>(pathTo(api.cards.get, { id: cardId }));
      if (card.body.adminKey.attemptsRemaining === 1) await f.supervisor.post(`${url}/approve`, {});
      expect((await f.operator.post(`${url}/response`, { challenge: CHALLENGE })).status).toBe(200);
    }
    return url;
  }

  it('answers the key check value of a typed key, as registration would record it', async () => {
    const checked = await f.admin.post(pathTo(api.adminKeys.checkValue), {
      algorithm: '3des',
      key: TPM_DEFAULT_KEY.match(/.{4}/g)?.join(' '),
    });
    expect(checked.status).toBe(200);
    const card = await f.admin.get<Card>(pathTo(api.cards.get, { id: f.cardId }));
    // The TPM default key repeats one DES key three times: the same warning as at registration.
    expect(checked.body).toEqual({
      kcv: card.body.adminKey.kcv,
      warning: expect.stringContaining('single DES') as unknown,
    });
    const aes = await f.admin.post(pathTo(api.adminKeys.checkValue), {
      algorithm: 'aes128',
      key: '000102030405060708090A0B0C0D0E0F',
    });
    expect(aes.body).toEqual({ kcv: expect.stringMatching(/^[0-9A-F]{6}$/) as unknown, warning: null });
    const strong = await f.admin.post(pathTo(api.adminKeys.checkValue), {
      algorithm: '3des',
      key: '0123456789ABCDEFFEDCBA98765432100011223344556677',
    });
    expect(strong.body).toMatchObject({ warning: null });
  });

  it('says what is wrong with a key, never echoing it, and is for admins only', async () => {
    const short = await f.admin.post(pathTo(api.adminKeys.checkValue), {
      algorithm: '3des',
      key: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
    });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({
      error: {
        code: 'card.invalid_admin_key',
        message: expect.stringMatching(/48 hex digits, this one has 32/),
      },
    });
    expect(short.text).not.toContain('A1B2C3D4');
    const notHex = await f.admin.post(pathTo(api.adminKeys.checkValue), { algorithm: 'aes256', key: 'xyz' });
    expect(notHex.body).toMatchObject({ error: { code: 'card.invalid_admin_key' } });
    expect(
      (await f.admin.post(pathTo(api.adminKeys.checkValue), { algorithm: 'des', key: TPM_DEFAULT_KEY }))
        .status,
    ).toBe(400);
    expect(
      (await f.operator.post(pathTo(api.adminKeys.checkValue), { algorithm: '3des', key: TPM_DEFAULT_KEY }))
        .status,
    ).toBe(403);
    expect(server.logs.join('\n')).not.toContain('A1B2C3D4E5F6');
    expect(server.logs.join('\n')).not.toContain(TPM_DEFAULT_KEY);
  });

  it('resets the count only with a reason, whatever the count, and audits the reason and ticket', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const url = pathTo(api.cards.resetAdminKeyAttempts, { id: card.id });
    for (const body of [{}, { ticket: 'INC-9' }, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      const refused = await f.admin.post(url, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body).toMatchObject({ error: { code: 'request.invalid' } });
    }
    // Nothing spent yet: a reset is allowed all the same.
    expect((await f.admin.post(url, { reason: 'card checked at the desk' })).status).toBe(200);
    await spend(card.id, 2);
    expect((await f.operator.post(url, { reason: 'operator tries' })).status).toBe(403);
    const reset = await f.admin.post<Card>(url, {
      reason: '  responses were never typed  ',
      ticket: 'INC-42',
    });
    expect(reset.status).toBe(200);
    expect(reset.body.adminKey).toMatchObject({ attemptsUsed: 0, attemptsRemaining: 3, blocked: false });
    const audit = await f.auditor.get<{ items: { action: string; ticket: string; details: object }[] }>(
      `${pathTo(api.audit.list)}?cardId=${card.id}&action=card.admin_key_attempts_reset`,
    );
    expect(audit.body.items[0]).toMatchObject({
      ticket: 'INC-42',
      details: { reason: 'responses were never typed', previousAttemptsUsed: 2 },
    });
  });

  it('knows a key is blocked once the card refused its last attempt, and then refuses a reset', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await spend(card.id, 3);
    expect((await f.operator.post(`${session}/outcome`, { result: 'failed' })).status).toBe(200);

    const after = await f.operator.get<Card>(pathTo(api.cards.get, { id: card.id }));
    expect(after.body.adminKey).toMatchObject({ blocked: true, attemptsRemaining: 0 });
    expect(after.body.offlineUnblock).toEqual(
      expect.objectContaining({
        available: false,
        reason: 'admin_key.blocked',
        message: expect.stringContaining("this card's admin key is blocked") as unknown,
      }),
    );
    expect(after.body.offlineUnblock.message).toContain('ask for a replacement card');

    const reset = await f.admin.post(pathTo(api.cards.resetAdminKeyAttempts, { id: card.id }), {
      reason: 'let us try once more',
    });
    expect(reset.status).toBe(409);
    expect(reset.body).toMatchObject({
      error: { code: 'admin_key.blocked', message: expect.stringContaining('replacement card') },
    });
    const started = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: card.id }), {});
    expect(started.status).toBe(409);
    expect(started.body).toMatchObject({ error: { code: 'admin_key.blocked' } });
    const audit = await f.auditor.get<{ items: { details: object }[] }>(
      `${pathTo(api.audit.list)}?cardId=${card.id}&action=offline_unblock.outcome_recorded`,
    );
    expect(audit.body.items[0]).toMatchObject({ details: { result: 'failed', adminKeyBlocked: true } });
  });

  it('does not call a key blocked when a failure leaves attempts, nor after a confirmed unblock', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const first = await spend(card.id, 1);
    await f.operator.post(`${first}/outcome`, { result: 'failed' });
    expect((await f.operator.get<Card>(pathTo(api.cards.get, { id: card.id }))).body.adminKey.blocked).toBe(
      false,
    );
    const second = await spend(card.id, 2);
    // The last attempt worked after all.
    await f.operator.post(`${second}/outcome`, { result: 'unblocked' });
    const after = await f.operator.get<Card>(pathTo(api.cards.get, { id: card.id }));
    expect(after.body.adminKey).toMatchObject({ blocked: false, attemptsRemaining: 3 });
    expect(
      (await f.admin.post(pathTo(api.cards.resetAdminKeyAttempts, { id: card.id }), { reason: 'routine' }))
        .status,
    ).toBe(200);
  });
  it('shows a generated key once, at registration, and never again', async () => {
    const generated = await f.admin.post<{ id: string; adminKeyKcv: string; generatedAdminKey: string }>(
      pathTo(api.cards.create),
      cardRegistration(f, `GEN-${Date.now()}`, { algorithm: 'aes128', generate: true }),
    );
    expect(generated.status).toBe(201);
    const key = generated.body.generatedAdminKey;
    expect(key).toMatch(/^[0-9A-F]{32}$/);
    const checked = await f.admin.post(pathTo(api.adminKeys.checkValue), { algorithm: 'aes128', key });
    expect(checked.body).toMatchObject({ kcv: generated.body.adminKeyKcv });
    const card = await f.admin.get(pathTo(api.cards.get, { id: generated.body.id }));
    const audit = await f.admin.get(`${pathTo(api.audit.list)}?cardId=${generated.body.id}`);
    for (const later of [card.text, audit.text, server.logs.join('\n')]) expect(later).not.toContain(key);

    const imported = await f.admin.post(
      pathTo(api.cards.create),
      cardRegistration(f, `IMP-${Date.now()}`, { algorithm: '3des', key: TPM_DEFAULT_KEY }),
    );
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ generatedAdminKey: null });
  });

  it('takes a new admin key for a re-keyed card: the count starts again and a blocked key is forgotten', async () => {
    const card = await registerCard(f.admin, { username: f.username, profile: f.profileName });
    const session = await spend(card.id, 3);
    await f.operator.post(`${session}/outcome`, { result: 'failed' });
    expect((await f.operator.get<Card>(pathTo(api.cards.get, { id: card.id }))).body.adminKey.blocked).toBe(
      true,
    );

    const url = pathTo(api.cards.replaceAdminKey, { id: card.id });
    const adminKey = { algorithm: '3des', key: TPM_DEFAULT_KEY };
    expect((await f.admin.put(url, { adminKey })).status).toBe(400);
    expect((await f.operator.put(url, { adminKey, reason: 're-keyed' })).status).toBe(403);
    const replaced = await f.admin.put<{ adminKeyKcv: string; generatedAdminKey: string | null }>(url, {
      adminKey,
      reason: 'card re-personalised at the desk',
      ticket: 'CHG-12',
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ adminKeyKcv: card.kcv, generatedAdminKey: null });
    const after = await f.operator.get<Card>(pathTo(api.cards.get, { id: card.id }));
    expect(after.body.adminKey).toMatchObject({ blocked: false, attemptsRemaining: 3 });
    expect(after.body.offlineUnblock.available).toBe(true);
    expect(
      (await f.admin.post(pathTo(api.cards.resetAdminKeyAttempts, { id: card.id }), { reason: 'routine' }))
        .status,
    ).toBe(200);
    const started = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: card.id }),
      {},
    );
    const issued = await f.operator.post(pathTo(api.offlineUnblocks.response, { id: started.body.id }), {
      challenge: CHALLENGE,
    });
    expect(issued.body).toMatchObject({ response: '7716F4B2D7214EB2', attemptsRemaining: 2 });
    const audit = await f.auditor.get<{ items: { ticket: string; details: object }[] }>(
      `${pathTo(api.audit.list)}?cardId=${card.id}&action=card.admin_key_replaced`,
    );
    expect(audit.body.items[0]).toMatchObject({
      ticket: 'CHG-12',
      details: { wasBlocked: true, reason: 'card re-personalised at the desk', keySource: 'imported' },
    });
    expect(audit.text).not.toContain(TPM_DEFAULT_KEY);
  });
});
