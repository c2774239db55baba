import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiClient } from '@cardwarden/integration-tests/api-client';
import { resetSecondFactorsLocally } from '../src/auth/second-factor/second-factor.service.js';
import { rotateKek } from '../src/keys/rotate-kek.js';
import { unique } from '@cardwarden/integration-tests/fixtures';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import {
  ADMIN,
  forEachDatabase,
  startTestServer,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';
import { inTransaction } from '../src/db/unit-of-work.js';

interface Login {
  token: string;
  expiresAt: string;
  mustChangePassword: boolean;
  secondFactorRequired?: boolean;
  methods?: string[];
  enrolmentRequired?: boolean;
}

interface AuditPage {
  items: { action: string; actor: string; details: Record<string, unknown> }[];
}

/** A code for a time step after now (the step now may have been spent already). */
const codeAt = (secret: string, stepsAhead: number) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * stepsAhead });

forEachDatabase('staff second factor: TOTP, passkeys, recovery codes, policy', (kind) => {
  let server: TestServer;
  let admin: ApiClient;
  beforeAll(async () => {
    server = await startTestServer(kind);
    admin = await server.api.login(ADMIN.username, ADMIN.password);
  });
  afterAll(async () => {
    await server.close();
  });

  async function newStaff(role: string): Promise<{ username: string; password: string }> {
    const username = unique(role);
    const password = `${username} long password`;
    expect((await admin.post(pathTo(api.operators.create), { username, password, role })).status).toBe(201);
    return { username, password };
  }

  const login = (who: { username: string; password: string }) =>
    server.api.post<Login>(pathTo(api.auth.login), who);

  /** Enrols an authenticator app with a full session; returns the secret and the recovery codes. */
  async function enrolTotp(client: ApiClient): Promise<{ secret: string; recoveryCodes: string[] }> {
    const started = await client.post<{ secret: string; otpauthUri: string }>(
      pathTo(api.secondFactor.startTotpEnrolment),
    );
    expect(started.status).toBe(200);
    const { secret } = started.body;
    const confirmed = await client.post<{ recoveryCodes: string[] }>(
      pathTo(api.secondFactor.confirmTotpEnrolment),
      { code: await codeAt(secret, 0) },
    );
    expect(confirmed.status).toBe(200);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  const origin = () => server.url; // http://127.0.0.1:<port>: the console the browser would show
  const withOrigin = (client: ApiClient, method: string, path: string, body?: unknown) =>
    client.request(method, path, body, { origin: origin() });

  it('is off by default: the right password answers 200 with a full token, as before', async () => {
    const settings = await admin.get<{ secondFactorRequiredFor: string[] }>(pathTo(api.settings.get));
    expect(settings.body.secondFactorRequiredFor).toEqual([]);
    const first = await login(ADMIN);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['expiresAt', 'mustChangePassword', 'token']);
    expect((await server.api.as(first.body.token).get(pathTo(api.users.list))).status).toBe(200);
    const status = await admin.get(pathTo(api.secondFactor.status));
    expect(status.body).toEqual({ totp: false, passkeys: [], recoveryCodesLeft: 0, required: false });
  });

  it('enrols TOTP (sealed at rest), then asks for the code at sign-in; a code is accepted once', async () => {
    const who = await newStaff('supervisor');
    const client = await server.api.login(who.username, who.password);
    const started = await client.post<{ secret: string; otpauthUri: string }>(
      pathTo(api.secondFactor.startTotpEnrolment),
    );
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Cardwarden:/);
    const { secret } = started.body;
    const wrong = await client.post(pathTo(api.secondFactor.confirmTotpEnrolment), { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'second_factor.invalid_code' } });
    const enrolCode = await codeAt(secret, 0);
    const confirmed = await client.post<{ recoveryCodes: string[]; session?: unknown }>(
      pathTo(api.secondFactor.confirmTotpEnrolment),
      { code: enrolCode },
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(confirmed.body.session).toBeUndefined();

    // Never in clear in the database.
    const rows = await server.server.ctx.db.execute(sql`select sealed_secret from operator_totp`);
    expect(JSON.stringify(rows)).not.toContain(secret);
    const codes = await server.server.ctx.db.execute(sql`select code_hash from operator_recovery_codes`);
    for (const code of confirmed.body.recoveryCodes) expect(JSON.stringify(codes)).not.toContain(code);

    const signIn = await login(who);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({
      secondFactorRequired: true,
      methods: ['totp', 'recovery_code'],
      enrolmentRequired: false,
    });
    const limited = server.api.as(signIn.body.token);
    const refused = await limited.get(pathTo(api.users.list));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'auth.second_factor_required' } });
    expect((await limited.post(pathTo(api.secondFactor.startTotpEnrolment))).status).toBe(403);

    // The code used at enrolment belongs to a spent step: refused (replay).
    const replay = await limited.post(pathTo(api.secondFactor.verifyTotp), { code: enrolCode });
    expect(replay.status).toBe(401);
    const next = await codeAt(secret, 1);
    const done = await limited.post<Login>(pathTo(api.secondFactor.verifyTotp), { code: next });
    expect(done.status).toBe(200);
    expect(done.body.secondFactorRequired).toBeUndefined();
    expect((await server.api.as(done.body.token).get(pathTo(api.users.list))).status).toBe(200);
    // The limited token is spent, and the same code again is refused.
    expect((await limited.get(pathTo(api.secondFactor.status))).status).toBe(401);
    const again = server.api.as((await login(who)).body.token);
    expect((await again.post(pathTo(api.secondFactor.verifyTotp), { code: next })).status).toBe(401);

    // A recovery code works once, in any case and with or without dashes.
    const [recovery] = confirmed.body.recoveryCodes;
    const withCode = await again.post<Login>(pathTo(api.secondFactor.useRecoveryCode), {
      code: (recovery ?? '').toUpperCase().replaceAll('-', ' '),
    });
    expect(withCode.status).toBe(200);
    const spent = server.api.as((await login(who)).body.token);
    expect((await spent.post(pathTo(api.secondFactor.useRecoveryCode), { code: recovery })).status).toBe(401);
    const status = await server.api.as(withCode.body.token).get(pathTo(api.secondFactor.status));
    expect(status.body).toMatchObject({ totp: true, recoveryCodesLeft: 9, required: false });

    const audit = await admin.get<AuditPage>(`${pathTo(api.audit.list)}?actor=${who.username}`);
    const actions = audit.body.items.map((e) => e.action);
    for (const action of [
      'second_factor.totp_enrolment_started',
      'second_factor.totp_enrolled',
      'second_factor.recovery_codes_generated',
      'auth.second_factor_failed',
      'auth.second_factor_passed',
      'second_factor.recovery_code_used',
    ]) {
      expect(actions).toContain(action);
    }
    expect(JSON.stringify(audit.body)).not.toContain(secret);
    expect(JSON.stringify(server.logs)).not.toContain(secret);
  });

  it('re-seals TOTP secrets when the KEK rotates', async () => {
    const who = await newStaff('operator');
    const { secret } = await enrolTotp(await server.api.login(who.username, who.password));
    const before = await server.server.ctx.db.execute(sql`select sealed_secret from operator_totp`);
    const rotation = await rotateKek(server.server.ctx.db, server.kekFile);
    const after = await server.server.ctx.db.execute(sql`select sealed_secret from operator_totp`);
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
    expect(JSON.stringify(after)).toContain(rotation.newKekId);
    const limited = server.api.as((await login(who)).body.token);
    const done = await limited.post(pathTo(api.secondFactor.verifyTotp), { code: await codeAt(secret, 1) });
    expect(done.status).toBe(200);
  });

  it('throttles wrong codes with the sign-in throttle', async () => {
    const who = await newStaff('operator');
    await enrolTotp(await server.api.login(who.username, who.password));
    const limited = server.api.as((await login(who)).body.token);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await limited.post(pathTo(api.secondFactor.verifyTotp), { code: '123456' })).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses).toContain(429);
    const refused = await limited.post(pathTo(api.secondFactor.verifyTotp), { code: '123456' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('under the policy, an admin without a second factor is asked to enrol one, and then gets a full token', async () => {
    expect(
      (await admin.patch(pathTo(api.settings.update), { secondFactorRequiredFor: ['admin'] })).status,
    ).toBe(200);
    try {
      const who = await newStaff('admin');
      const signIn = await login(who);
      expect(signIn.status).toBe(200);
      expect(signIn.body).toMatchObject({ secondFactorRequired: true, methods: [], enrolmentRequired: true });
      const limited = server.api.as(signIn.body.token);
      expect((await limited.get(pathTo(api.operators.list))).status).toBe(403);
      expect((await limited.post(pathTo(api.secondFactor.verifyTotp), { code: '123456' })).status).toBe(401);
      const started = await limited.post<{ secret: string }>(pathTo(api.secondFactor.startTotpEnrolment));
      expect(started.status).toBe(200);
      const confirmed = await limited.post<{ recoveryCodes: string[]; session: Login }>(
        pathTo(api.secondFactor.confirmTotpEnrolment),
        { code: await codeAt(started.body.secret, 0) },
      );
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.recoveryCodes).toHaveLength(10);
      const full = server.api.as(confirmed.body.session.token);
      expect((await full.get(pathTo(api.operators.list))).status).toBe(200);
      // The last factor cannot be removed while the policy asks for one.
      const removal = await full.delete(pathTo(api.secondFactor.removeTotp));
      expect(removal.status).toBe(409);
      expect(removal.body).toMatchObject({ error: { code: 'second_factor.still_required' } });
      // Supervisors and operators are not asked.
      const operator = await newStaff('operator');
      expect(Object.keys((await login(operator)).body).sort()).toEqual([
        'expiresAt',
        'mustChangePassword',
        'token',
      ]);
    } finally {
      // Off again, with an admin session made before: the first admin has no factor.
      await admin.patch(pathTo(api.settings.update), { secondFactorRequiredFor: [] });
    }
    const audit = await admin.get<AuditPage>(`${pathTo(api.audit.list)}?action=settings.changed`);
    expect(audit.body.items.map((e) => e.details)).toContainEqual({
      setting: 'secondFactorRequiredFor',
      oldValue: '',
      newValue: 'admin',
    });
  });

  it('registers a passkey from a software authenticator and signs in with its assertion', async () => {
    const who = await newStaff('supervisor');
    const client = await server.api.login(who.username, who.password);
    const authenticator = new SoftwareAuthenticator();
    const options = await withOrigin(client, 'POST', pathTo(api.secondFactor.registrationOptions));
    expect(options.status).toBe(200);
    const creation = options.body as { challenge: string; rp: { id: string } };
    expect(creation.rp.id).toBe('127.0.0.1');
    const registered = await withOrigin(client, 'POST', pathTo(api.secondFactor.registerPasskey), {
      label: 'test key',
      response: authenticator.register(creation, origin()),
    });
    expect(registered.status).toBe(200);
    expect(registered.body.recoveryCodes).toHaveLength(10);

    const signIn = await login(who);
    expect(signIn.body).toMatchObject({ secondFactorRequired: true, methods: ['webauthn', 'recovery_code'] });
    const limited = server.api.as(signIn.body.token);
    const request = await withOrigin(limited, 'POST', pathTo(api.secondFactor.webauthnOptions));
    expect(request.status).toBe(200);
    const assertionOptions = request.body as { challenge: string; rpId: string };
    // A forged origin (a look-alike site) is refused, and spends the challenge.
    const forged = await withOrigin(limited, 'POST', pathTo(api.secondFactor.verifyWebauthn), {
      response: authenticator.assert(assertionOptions, 'http://evil.example'),
    });
    expect(forged.status).toBe(401);
    const again = await withOrigin(limited, 'POST', pathTo(api.secondFactor.webauthnOptions));
    const assertion = authenticator.assert(again.body as typeof assertionOptions, origin());
    const done = await withOrigin(limited, 'POST', pathTo(api.secondFactor.verifyWebauthn), {
      response: assertion,
    });
    expect(done.status).toBe(200);
    expect(
      (await server.api.as((done.body as unknown as Login).token).get(pathTo(api.users.list))).status,
    ).toBe(200);

    // Replaying the same assertion in another sign-in fails: its challenge was for the first one.
    const other = server.api.as((await login(who)).body.token);
    await withOrigin(other, 'POST', pathTo(api.secondFactor.webauthnOptions));
    const replay = await withOrigin(other, 'POST', pathTo(api.secondFactor.verifyWebauthn), {
      response: assertion,
    });
    expect(replay.status).toBe(401);
    // Without the console's origin, no passkey options.
    expect((await other.post(pathTo(api.secondFactor.webauthnOptions))).status).toBe(422);

    const status = await server.api
      .as((done.body as unknown as Login).token)
      .get<{ passkeys: { label: string; lastUsedAt: string | null }[] }>(pathTo(api.secondFactor.status));
    expect(status.body.passkeys).toEqual([expect.objectContaining({ label: 'test key' })]);
    expect(status.body.passkeys[0]?.lastUsedAt).not.toBeNull();
  });

  it('lets an admin see who has what and reset an operator’s factors, audited with the reason', async () => {
    const who = await newStaff('operator');
    const client = await server.api.login(who.username, who.password);
    await enrolTotp(client);
    const list = await admin.get<{ items: { username: string; totp: boolean; recoveryCodesLeft: number }[] }>(
      pathTo(api.secondFactor.listOperators),
    );
    expect(list.body.items.find((i) => i.username === who.username)).toMatchObject({
      totp: true,
      recoveryCodesLeft: 10,
    });
    const supervisor = await server.api.login(
      ...(await (async () => {
        const s = await newStaff('supervisor');
        return [s.username, s.password] as const;
      })()),
    );
    const id =
      (
        await admin.get<{ items: { id: string; username: string }[] }>(pathTo(api.operators.list))
      ).body.items.find((o) => o.username === who.username)?.id ?? '';
    expect(
      (await supervisor.post(pathTo(api.secondFactor.resetOperator, { id }), { reason: 'lost phone' }))
        .status,
    ).toBe(403);
    expect((await admin.post(pathTo(api.secondFactor.resetOperator, { id }), {})).status).toBe(400);
    const reset = await admin.post(pathTo(api.secondFactor.resetOperator, { id }), { reason: 'lost phone' });
    expect(reset.status).toBe(204);
    expect((await client.get(pathTo(api.auth.me))).status).toBe(401);
    expect(Object.keys((await login(who)).body).sort()).toEqual(['expiresAt', 'mustChangePassword', 'token']);
    const audit = await admin.get<AuditPage>(`${pathTo(api.audit.list)}?action=second_factor.reset`);
    expect(audit.body.items[0]?.details).toMatchObject({
      operator: who.username,
      reason: 'lost phone',
      totp: true,
    });
  });

  it('resets an operator from the server command line when no admin can sign in (reset-second-factor)', async () => {
    const who = await newStaff('admin');
    const client = await server.api.login(who.username, who.password);
    await enrolTotp(client);
    const result = await inTransaction(server.server.ctx.db, (tx) =>
      resetSecondFactorsLocally(tx, who.username.toUpperCase(), 'locked out'),
    );
    expect(result).toEqual({ username: who.username, totp: true, passkeys: 0 });
    expect((await client.get(pathTo(api.auth.me))).status).toBe(401);
    expect(Object.keys((await login(who)).body).sort()).toEqual(['expiresAt', 'mustChangePassword', 'token']);
    const audit = await admin.get<AuditPage>(`${pathTo(api.audit.list)}?action=second_factor.reset`);
    expect(audit.body.items[0]).toMatchObject({
      actor: 'reset-second-factor command',
      details: { operator: who.username, reason: 'locked out' },
    });
    await expect(
      inTransaction(server.server.ctx.db, (tx) => resetSecondFactorsLocally(tx, 'nobody-here', 'x')),
    ).rejects.toThrow(/no staff account/);
  });
});
