/**
 * Card issuance through the API with a software GIDS card in memory: the server answers the card's
 * mutual authentication, writes a new key as pending, promotes it once the card proves it, writes the
 * profile's PIN policy; an interrupted run is finished by the next; the issuer role is scoped.
 */
import { SoftwareCardTransport } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { exchangeApdu, parseDynamicAuth } from '@cardwarden/protocol/apdu';
import {
  gidsMseSetAdminKey,
  gidsMutualHostChallenge,
  gidsMutualHostCryptogram,
  gidsSelect,
  MSE_MUTUAL_AUTH,
} from '@cardwarden/protocol/gids';
import { keyCheckValue } from '@cardwarden/protocol/crypto';
import { expect, it } from 'vitest';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { TPM_DEFAULT_KEY, unique, useServerWith } from '@cardwarden/integration-tests/fixtures';
import {
  createIssuanceFixture,
  expectHelpDeskResponse,
  expectCurrentKey,
  expectOk,
  issue,
  newCard,
  type IssuanceFixture,
  type Step,
} from './support/issuance-driver.js';
import { forEachDatabase, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

forEachDatabase('card issuance', (kind) => {
  let server: TestServer;
  let f: IssuanceFixture;
  let issuer: ApiClient;
  let profile: string;
  const issuing = { useCases: { operatorOfflineUnblock: true }, maxPinAttempts: 5 };
  useServerWith(
    kind,
    (client) => createIssuanceFixture(client, issuing),
    (started) => {
      ({ server, f } = started);
      issuer = f.issuer;
      profile = f.issuing.name;
    },
  );
  it('issues a new card: a new key the card proved, the profile PIN limit, every step audited', async () => {
    const serial = '00112233445566778899AABBCCDDEE01';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    const done = await issue(
      issuer,
      transport,
      { serial, type: 'gids', username: f.username, profile },
      { pin: '24681357' },
    );
    expect(done.step).toBe('done');
    const state = card.snapshot();
    expect(state.adminKey).not.toBe(TPM_DEFAULT_KEY);
    expect(state).toMatchObject({ pinTryLimit: 5, pinTriesLeft: 5, pin: '24681357' });
    const detail = await issuer.get<{ adminKey: { kcv: string }; user: { username: string } }>(
      pathTo(api.cards.get, { id: done.cardId }),
    );
    expect(detail.body.adminKey.kcv).toBe(toHex(keyCheckValue('3des', fromHex(state.adminKey))));
    expect(detail.body.user.username).toBe(f.username);
    const audit = await f.admin.get<{ items: { action: string; details: Record<string, unknown> }[] }>(
      `${pathTo(api.audit.list)}?cardId=${done.cardId}&limit=50`,
    );
    expect(audit.body.items.map((e) => e.action).reverse()).toEqual([
      'card.registered',
      'issuance.started',
      'issuance.authenticated',
      'issuance.key_pending',
      'issuance.key_written',
      'issuance.authenticated',
      'issuance.key_confirmed',
      'issuance.completed',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(state.adminKey);
    expect(JSON.stringify(audit.body)).not.toContain('24681357');

    // The help desk's response works with the new key.
    await expectHelpDeskResponse(f.operator, card, done.cardId, state.adminKey);
  });

  it('finishes a run killed after the key write: the card holds the pending key, the next run confirms it', async () => {
    const serial = '00112233445566778899AABBCCDDEE02';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    const body = { serial, type: 'gids', username: f.username, profile };
    const stopped = await issue(issuer, transport, body, { stopAfter: 'write-key' });
    const written = card.snapshot().adminKey;
    expect(written).not.toBe(TPM_DEFAULT_KEY);
    await expectCurrentKey(issuer, stopped.cardId, TPM_DEFAULT_KEY);

    transport.remove();
    transport.insert();
    const done = await issue(issuer, transport, { serial, type: 'gids' });
    expect(done.step).toBe('done');
    expect(card.snapshot().adminKey).toBe(written);
    await expectCurrentKey(issuer, stopped.cardId, written);
  });

  it('issues under a profile that derives keys: killed after the write, finished by the next run, unblocked by the help desk', async () => {
    const derivedProfile = unique('derived');
    const created = await f.admin.post<{ id: string }>(pathTo(api.profiles.create), {
      name: derivedProfile,
      useCases: { operatorOfflineUnblock: true },
      adminKeySource: 'derived',
      maxPinAttempts: 4,
    });
    expectOk(created, 201);
    expectOk(await f.admin.post(pathTo(api.masters.create, { id: created.body.id }), {}), 201);
    const serial = '00112233445566778899AABBCCDDEE09';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    const stopped = await issue(
      issuer,
      transport,
      { serial, type: 'gids', username: f.username, profile: derivedProfile },
      { stopAfter: 'write-key' },
    );
    const written = card.snapshot().adminKey;
    expect(written).not.toBe(TPM_DEFAULT_KEY);
    transport.remove();
    transport.insert();
    const done = await issue(issuer, transport, { serial, type: 'gids' });
    expect(done.step).toBe('done');
    expect(card.snapshot()).toMatchObject({ adminKey: written, pinTryLimit: 4 });
    await expectCurrentKey(issuer, stopped.cardId, written);
    const audit = await f.admin.get<{ items: { action: string; details: Record<string, unknown> }[] }>(
      `${pathTo(api.audit.list)}?cardId=${stopped.cardId}&action=issuance.key_pending`,
    );
    expect(audit.body.items[0]?.details).toMatchObject({ keySource: 'derived', masterVersion: 1 });

    await expectHelpDeskResponse(f.operator, card, stopped.cardId, written);
  });

  it('rolls back a run stopped before the card took the key: the next run writes the pending key again', async () => {
    const serial = '00112233445566778899AABBCCDDEE03';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    const started = await issuer.post<Step>(pathTo(api.issuances.start), {
      serial,
      type: 'gids',
      username: f.username,
      profile,
    });
    expectOk(started, 201);
    // Authenticate, get the write-key step, and never send it to the card.
    const fresh = new SoftwareCardTransport(card);
    await exchangeApdu(fresh, gidsSelect({ fci: false }));
    await exchangeApdu(fresh, gidsMseSetAdminKey(MSE_MUTUAL_AUTH));
    const r2 = parseDynamicAuth(
      (await exchangeApdu(fresh, gidsMutualHostChallenge(fromHex(started.body.hostChallenge ?? '')))).data,
    ).challenge!;
    const answer = await issuer.post<{ cryptogram: string }>(
      pathTo(api.issuances.authenticate, { id: started.body.id }),
      {
        cardChallenge: toHex(r2),
      },
    );
    const proof = await exchangeApdu(fresh, gidsMutualHostCryptogram(fromHex(answer.body.cryptogram)));
    const writeStep = await issuer.post<Step>(pathTo(api.issuances.proof, { id: started.body.id }), {
      cardCryptogram: toHex(parseDynamicAuth(proof.data).response!),
    });
    expect(writeStep.body.step).toBe('write-key');
    const pendingApdu = writeStep.body.apdus[0];

    const done = await issue(issuer, transport, { serial, type: 'gids' });
    expect(done.step).toBe('done');
    const key = card.snapshot().adminKey;
    expect(pendingApdu).toContain(key);
    const audit = await f.admin.get<{ items: { action: string }[] }>(
      `${pathTo(api.audit.list)}?cardId=${done.cardId}&limit=50`,
    );
    expect(audit.body.items.map((e) => e.action)).toContain('issuance.authentication_refused');
  });

  it('re-keys an issued card with its registered key', async () => {
    const serial = '00112233445566778899AABBCCDDEE04';
    const card = newCard(serial);
    const transport = new SoftwareCardTransport(card);
    await issue(issuer, transport, { serial, type: 'gids', username: f.username, profile });
    const first = card.snapshot().adminKey;
    const again = await issue(f.admin, transport, { serial, type: 'gids' });
    expect(again.step).toBe('done');
    expect(card.snapshot().adminKey).not.toBe(first);
  });

  it('refuses a card with an unknown key, a missing user, a minidriver card, and other roles; issuers read only users and cards', async () => {
    const serial = '00112233445566778899AABBCCDDEE05';
    const card = newCard(serial, '0F0E0D0C0B0A09080F0E0D0C0B0A09080F0E0D0C0B0A0908');
    const transport = new SoftwareCardTransport(card);
    await expect(
      issue(issuer, transport, { serial, type: 'gids', username: f.username, profile }),
    ).rejects.toThrow(/issuance\.key_unknown/);
    const missing = await issuer.post(pathTo(api.issuances.start), { serial: 'NEWCARD-1', type: 'gids' });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toContain('issuance.details_required');
    const minidriver = await issuer.post(pathTo(api.issuances.start), {
      serial: 'MD-1',
      type: 'minidriver',
      username: f.username,
      profile,
    });
    expect(minidriver.status).toBe(422);
    expect(JSON.stringify(minidriver.body)).toContain('issuance.unsupported_card');
    expect((await f.operator.post(pathTo(api.issuances.start), { serial, type: 'gids' })).status).toBe(403);
    expect((await server.api.post(pathTo(api.issuances.start), { serial, type: 'gids' })).status).toBe(401);
    expect((await issuer.get(pathTo(api.users.list))).status).toBe(200);
    expect((await issuer.get(pathTo(api.cards.list))).status).toBe(200);
    expect((await issuer.get(pathTo(api.auth.me))).status).toBe(200);
    expect((await issuer.get(pathTo(api.audit.list))).status).toBe(403);
    expect((await issuer.get(pathTo(api.offlineUnblocks.list))).status).toBe(403);
    expect((await issuer.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {})).status).toBe(403);
    expect((await issuer.get(pathTo(api.settings.get))).status).toBe(403);
  });
});
