/**
 * PIV issuance through the API with a software PIV card in memory (a YubiKey as yubico-piv-tool sees it):
 * the server answers the card's management-key mutual authentication, writes the new management key with
 * Yubico SET MANAGEMENT KEY as pending, promotes it once the card proves it, writes SET PIN RETRIES and a
 * PUK computed from the key; the help desk's response to the card's PUK challenge unblocks the PIN.
 */
import { SoftwareCardTransport, type PivCard } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { exchangeApdu } from '@cardwarden/protocol/apdu';
import {
  pivPukChallenge,
  pivPukFromResponse,
  pivResetRetryCounter,
  pivSelect,
} from '@cardwarden/protocol/piv';
import { computeAdminResponse, keyCheckValue } from '@cardwarden/protocol/crypto';
import { expect, it } from 'vitest';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { TPM_DEFAULT_KEY, useServerWith } from '@cardwarden/integration-tests/fixtures';
import {
  createIssuanceFixture,
  expectCurrentKey,
  expectOk,
  type IssuanceFixture,
} from './support/issuance-driver.js';
import { issuePiv, newPivCard } from './support/issuance-piv-driver.js';
import { forEachDatabase } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** The PUK the card should hold: from its management key, as the help desk's response gives it. */
function expectedPuk(keyHex: string, serial: string): string {
  return pivPukFromResponse(computeAdminResponse('3des', fromHex(keyHex), pivPukChallenge('3des', serial)));
}

forEachDatabase('PIV card issuance', (kind) => {
  let f: IssuanceFixture;
  let issuer: ApiClient;
  let derived: string;
  let derivedId: string;
  const issuing = {
    useCases: { operatorOfflineUnblock: true },
    adminKeySource: 'derived',
    maxPinAttempts: 6,
    adminKeyAttemptLimit: 4,
  };
  useServerWith(
    kind,
    (client) => createIssuanceFixture(client, issuing, { master: true }),
    (started) => {
      f = started.f;
      issuer = f.issuer;
      ({ id: derivedId, name: derived } = f.issuing);
    },
  );

  /** The help desk's flow: a session, the response to the card's PUK challenge, the PUK and a new PIN. */
  async function helpDeskUnblock(
    card: PivCard,
    cardId: string,
    serial: string,
    newPin: string,
  ): Promise<number> {
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: cardId }),
      {},
    );
    expectOk(session, 201);
    const issued = await f.operator.post<{ response: string }>(
      pathTo(api.offlineUnblocks.response, { id: session.body.id }),
      { challenge: toHex(pivPukChallenge('3des', serial)) },
    );
    expectOk(issued);
    const transport = new SoftwareCardTransport(card);
    await exchangeApdu(transport, pivSelect());
    const puk = pivPukFromResponse(fromHex(issued.body.response));
    return (await exchangeApdu(transport, pivResetRetryCounter(puk, newPin))).sw;
  }

  it('issues a new PIV card with a derived key: key proved, PIN and PUK limits of the profile, PUK from the key, audited', async () => {
    const serial = 40000001;
    const card = newPivCard(serial);
    const transport = new SoftwareCardTransport(card);
    const done = await issuePiv(
      issuer,
      transport,
      { serial: String(serial), type: 'piv', username: f.username, profile: derived },
      { pin: '24681357' },
    );
    expect(done).toMatchObject({ step: 'done', cardType: 'piv', pinTryLimit: 6 });
    const state = card.snapshot();
    expect(state.managementKey).not.toBe(TPM_DEFAULT_KEY);
    expect(state).toMatchObject({
      algorithm: '3des',
      pin: '24681357',
      pinTryLimit: 6,
      pinTriesLeft: 6,
      pukTryLimit: 4,
      pukTriesLeft: 4,
      puk: expectedPuk(state.managementKey, String(serial)),
    });
    const detail = await issuer.get<{ type: string; adminKey: { kcv: string } }>(
      pathTo(api.cards.get, { id: done.cardId }),
    );
    expect(detail.body).toMatchObject({
      type: 'piv',
      adminKey: { kcv: toHex(keyCheckValue('3des', fromHex(state.managementKey))) },
    });
    const audit = await f.admin.get<{ items: { action: string; details: Record<string, unknown> }[] }>(
      `${pathTo(api.audit.list)}?cardId=${done.cardId}&limit=50`,
    );
    const actions = audit.body.items.map((e) => e.action);
    for (const action of [
      'card.registered',
      'issuance.started',
      'issuance.authenticated',
      'issuance.key_pending',
      'issuance.key_written',
      'issuance.key_confirmed',
      'issuance.completed',
    ])
      expect(actions).toContain(action);
    const pending = audit.body.items.find((e) => e.action === 'issuance.key_pending');
    expect(pending?.details).toMatchObject({ keySource: 'derived', masterVersion: 1 });
    const text = JSON.stringify(audit.body);
    expect(text).not.toContain(state.managementKey);
    expect(text).not.toContain(state.puk);

    card.blockPin();
    expect(await helpDeskUnblock(card, done.cardId, String(serial), '11223344')).toBe(0x9000);
    expect(card.snapshot()).toMatchObject({ pin: '11223344', pinTriesLeft: 6 });
  });

  it('finishes a PIV run killed after the key write; the help desk then unblocks the card', async () => {
    const serial = 40000002;
    const card = newPivCard(serial);
    const transport = new SoftwareCardTransport(card);
    const stopped = await issuePiv(
      issuer,
      transport,
      { serial: String(serial), type: 'piv', username: f.username, profile: derived },
      { stopAfter: 'write-key' },
    );
    const written = card.snapshot().managementKey;
    expect(written).not.toBe(TPM_DEFAULT_KEY);
    await expectCurrentKey(issuer, stopped.cardId, TPM_DEFAULT_KEY);

    transport.remove();
    transport.insert();
    const done = await issuePiv(issuer, transport, { serial: String(serial), type: 'piv' });
    expect(done.step).toBe('done');
    expect(card.snapshot()).toMatchObject({
      managementKey: written,
      pinTryLimit: 6,
      puk: expectedPuk(written, String(serial)),
    });
    await expectCurrentKey(issuer, stopped.cardId, written);

    card.blockPin();
    expect(await helpDeskUnblock(card, stopped.cardId, String(serial), '55667788')).toBe(0x9000);
    expect(card.snapshot()).toMatchObject({ pin: '55667788', pinTriesLeft: 6 });
  });

  it('re-keys an issued PIV card with its registered key after a master rotation, keeping the holder’s PIN', async () => {
    const serial = 40000003;
    const card = newPivCard(serial);
    const transport = new SoftwareCardTransport(card);
    await issuePiv(
      issuer,
      transport,
      { serial: String(serial), type: 'piv', username: f.username, profile: derived },
      { pin: '86428642' },
    );
    const first = card.snapshot().managementKey;
    // A derived key changes only with the master: rotate it, and the re-key moves the card to version 2.
    expectOk(await f.admin.post(pathTo(api.masters.create, { id: derivedId }), {}), 201);
    const again = await issuePiv(
      f.admin,
      transport,
      { serial: String(serial), type: 'piv' },
      { currentPin: '86428642' },
    );
    expect(again.step).toBe('done');
    const state = card.snapshot();
    expect(state.managementKey).not.toBe(first);
    expect(state).toMatchObject({ pin: '86428642', puk: expectedPuk(state.managementKey, String(serial)) });
  });

  it('rolls back a PIV run stopped before the card took the key: the next run writes the pending key again', async () => {
    const serial = 40000005;
    const card = newPivCard(serial);
    const transport = new SoftwareCardTransport(card);
    // A run that gets as far as the write-key step and never sends it.
    const stopped = await issuePiv(
      issuer,
      new SoftwareCardTransport(newPivCard(serial)),
      { serial: String(serial), type: 'piv', username: f.username, profile: derived },
      { stopAfter: 'write-key' },
    );
    const pendingApdu = stopped.apdus[0] ?? '';
    expect(card.snapshot().managementKey).toBe(TPM_DEFAULT_KEY);

    const done = await issuePiv(issuer, transport, { serial: String(serial), type: 'piv' });
    expect(done.step).toBe('done');
    const key = card.snapshot().managementKey;
    expect(key).not.toBe(TPM_DEFAULT_KEY);
    expect(pendingApdu.endsWith(key)).toBe(true);
    const audit = await f.admin.get<{ items: { action: string; details: Record<string, unknown> }[] }>(
      `${pathTo(api.audit.list)}?cardId=${done.cardId}&limit=50`,
    );
    const refused = audit.body.items.find((e) => e.action === 'issuance.authentication_refused');
    expect(refused?.details).toMatchObject({ keySlot: 'pending', statusWord: '6982' });
  });

  it('refuses a wrong-length PIV answer with a 4xx and the expected length', async () => {
    const serial = 40000004;
    const started = await issuer.post<{ id: string }>(pathTo(api.issuances.start), {
      serial: String(serial),
      type: 'piv',
      username: f.username,
      profile: derived,
    });
    expectOk(started, 201);
    const answer = await issuer.post(pathTo(api.issuances.authenticate, { id: started.body.id }), {
      cardChallenge: '00112233445566778899AABBCCDDEEFF',
    });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body)).toMatch(/challenge\.bad_length.*expected 16/);
  });
});
