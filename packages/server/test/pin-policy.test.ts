import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFixture, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

const PATH = pathTo(api.onlineUnlock.pinPolicy);

forEachDatabase('PIN policy look-up for the unlock tool', (kind) => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      config: {
        trustProxy: '127.0.0.1',
        onlineUnlockLimits: { perAddress: 6, perCard: 100, windowMinutes: 10 },
      },
    });
    f = await createFixture(server.api, {
      maxPinAttempts: 5,
      pinRules: { minLength: 8, maxLength: 12, digitsOnly: true },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const lookUp = (serial: string, address = '10.0.0.1') =>
    server.api.request('GET', `${PATH}?serial=${encodeURIComponent(serial)}`, undefined, {
      'x-forwarded-for': address,
    });

  it("answers a known card's profile rules without a sign-in, whatever the serial's case", async () => {
    const known = await lookUp(f.serial.toLowerCase(), '10.0.1.1');
    expect(known.status).toBe(200);
    expect(known.body).toEqual({
      pinRules: { minLength: 8, maxLength: 12, digitsOnly: true },
      maxPinAttempts: 5,
    });
  });

  it('answers an unknown serial with the default rules, in the same status and shape', async () => {
    const known = await lookUp(f.serial, '10.0.2.1');
    const unknown = await lookUp(unique('NO-SUCH-CARD'), '10.0.2.1');
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual({
      pinRules: { minLength: 6, maxLength: 8, digitsOnly: false },
      maxPinAttempts: 3,
    });
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect(unknown.headers.get('content-type')).toBe(known.headers.get('content-type'));
  });

  it('refuses a malformed serial with 400 and says why', async () => {
    const bad = await lookUp("x' or 1=1 --", '10.0.3.1');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { message: expect.stringContaining('serial') } });
    const missing = await server.api.get(PATH);
    expect(missing.status).toBe(400);
    for (const query of [
      'serial=a&serial=b',
      'serial=%00',
      `serial=${'A'.repeat(65)}`,
      'serial=%F0%9F%98%80',
    ]) {
      const hostile = await server.api.request('GET', `${PATH}?${query}`, undefined, {
        'x-forwarded-for': '10.0.3.2',
      });
      expect(hostile.status, query).toBe(400);
      expect(hostile.body).toMatchObject({ error: { code: expect.any(String) } });
    }
  });

  it('shares the per-address budget of online unlock, without limiting another address', async () => {
    const address = '10.0.4.1';
    const start = await server.api.request(
      'POST',
      pathTo(api.onlineUnlock.start),
      { cardSerial: f.serial },
      { 'x-forwarded-for': address },
    );
    // The profile has online unlock off; the refusal still counts against the address.
    expect(start.status).toBeGreaterThanOrEqual(400);
    for (let i = 0; i < 5; i++) expect((await lookUp(unique('CARD'), address)).status).toBe(200);
    const limited = await lookUp(f.serial, address);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'online_unlock.rate_limited' } });
    expect((await lookUp(f.serial, '10.0.4.2')).status).toBe(200);
  });
});
