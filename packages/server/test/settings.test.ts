import { afterAll, beforeAll, expect, it } from 'vitest';
import { useServerWith } from '@cardwarden/integration-tests/fixtures';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import {
  ADMIN,
  forEachDatabase,
  startTestServer,
  type TestServer,
} from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Availability = { available: boolean; reason: string | null; message: string | null };

forEachDatabase('installation settings: the offline-unblock switch', (kind) => {
  // Each suite has its own server: a switch left off here turns nothing off elsewhere.
  let server: TestServer;
  let f: SecurityFixture;
  useServerWith(kind, createSecurityFixture, (started) => ({ server, f } = started));

  const setSwitch = (offlineUnblock: boolean) =>
    f.admin.patch(pathTo(api.settings.update), { offlineUnblock });

  it('shows the settings to every staff role, and whether email is sent', async () => {
    for (const client of [f.admin, f.supervisor, f.operator, f.auditor]) {
      const settings = await client.get(pathTo(api.settings.get));
      expect(settings.status).toBe(200);
      expect(settings.body).toEqual({
        offlineUnblock: true,
        emailNotifications: false,
        secondFactorRequiredFor: [],
      });
    }
    expect((await f.cardholder.get(pathTo(api.settings.get))).status).toBe(403);
    expect((await server.api.get(pathTo(api.settings.get))).status).toBe(401);
    expect((await f.cardholder.get(pathTo(api.selfService.me))).body).toMatchObject({
      username: f.username,
      emailNotifications: false,
    });
  });

  it('lets only an admin change them, audited with the old and the new value', async () => {
    expect((await f.supervisor.patch(pathTo(api.settings.update), { offlineUnblock: false })).status).toBe(
      403,
    );
    expect((await f.admin.patch(pathTo(api.settings.update), { offlineUnblock: 'no' })).status).toBe(400);
    expect((await f.admin.patch(pathTo(api.settings.update), {})).status).toBe(400);
    const off = await setSwitch(false);
    expect(off.status).toBe(200);
    expect(off.body).toEqual({
      offlineUnblock: false,
      emailNotifications: false,
      secondFactorRequiredFor: [],
    });
    expect((await f.operator.get(pathTo(api.settings.get))).body).toMatchObject({ offlineUnblock: false });
    const audit = await f.auditor.get<{ items: { action: string; actor: string; details: unknown }[] }>(
      `${pathTo(api.audit.list)}?action=settings.changed`,
    );
    expect(audit.body.items[0]).toEqual(
      expect.objectContaining({
        action: 'settings.changed',
        actor: ADMIN.username,
        details: { setting: 'offlineUnblock', oldValue: true, newValue: false },
      }),
    );
    await setSwitch(true);
  });

  it('when off, refuses operator and self-service offline unblock, says why, and leaves online unlock alone', async () => {
    await setSwitch(false);
    try {
      const started = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {});
      expect(started.status).toBe(403);
      expect(started.body).toMatchObject({
        error: {
          code: 'offline_unblock.disabled',
          message: expect.stringMatching(/administrator has turned offline unblock off.*turn it on/),
        },
      });
      const user = await f.operator.get<{ cards: { id: string; offlineUnblock: Availability }[] }>(
        pathTo(api.users.get, { id: f.userId }),
      );
      expect(user.body.cards.find((c) => c.id === f.cardId)?.offlineUnblock).toMatchObject({
        available: false,
        reason: 'offline_unblock.disabled',
      });

      const own = await f.cardholder.get<{ items: { id: string; offlineUnblock: Availability }[] }>(
        pathTo(api.selfService.cards),
      );
      expect(own.body.items[0]?.offlineUnblock).toMatchObject({
        available: false,
        reason: 'offline_unblock.disabled',
        message: expect.stringContaining('administrator'),
      });
      const selfService = await f.cardholder.post(pathTo(api.selfService.offlineUnblock, { id: f.cardId }), {
        challenge: '0557897F8D84407B',
      });
      expect(selfService.status).toBe(403);
      expect(selfService.body).toMatchObject({ error: { code: 'offline_unblock.disabled' } });

      // Online unlock has its own switch, in the card profile.
      const session = await server.api.post<{ id: string; questions: { id: string }[] }>(
        pathTo(api.onlineUnlock.start),
        { cardSerial: f.serial },
      );
      expect(session.status).toBe(201);
      const issued = await server.api.post(pathTo(api.onlineUnlock.response, { id: session.body.id }), {
        answers: answersFor(f, session.body.questions),
        challenge: '0557897F8D84407B',
      });
      expect(issued.status).toBe(200);
      await server.api.post(pathTo(api.onlineUnlock.outcome, { id: session.body.id }), {
        result: 'unblocked',
      });
    } finally {
      await setSwitch(true);
    }
    const started = await f.operator.post(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {});
    expect(started.status).toBe(201);
  });
});

forEachDatabase('installation settings with email configured', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      // Nothing is sent in this suite: the setting only reports that SMTP is configured.
      config: {
        smtp: {
          url: 'smtp://127.0.0.1:9',
          from: 'x@example.org',
          caFile: undefined,
          securityMailbox: undefined,
        },
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('tells the portals that email notices are sent', async () => {
    const admin = await server.api.login(ADMIN.username, ADMIN.password);
    expect((await admin.get(pathTo(api.settings.get))).body).toEqual({
      offlineUnblock: true,
      emailNotifications: true,
      secondFactorRequiredFor: [],
    });
  });
});
