/**
 * The anonymous endpoints under a flood (issue 11): beyond the argon2 queue, wrong sign-ins are answered
 * 429 `auth.rate_limited` with a Retry-After at once (never a 5xx) while signed-in work still gets its
 * verification. (The anonymous lane in front of them: src/http/anonymous-admission.test.ts.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { argon2Gate, configureArgon2Gate } from '../src/auth/password.js';
import { defaultArgon2GateOptions } from '../src/auth/argon2-gate.js';
import { createFixture, createOperator, unique, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

/** An address of its own for every attacker, as a flood from many places would come. */
const attacker = (i: number) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`;

forEachDatabase('anonymous endpoints under a flood', (kind) => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer(kind, {
      config: {
        trustProxy: 1,
        // One verification at a time and two waiting: a small flood already fills the queue.
        argon2: { concurrency: 1, queueLimit: 2 },
        anonymousAdmission: { concurrency: 200, queueLimit: 200 },
      },
    });
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    configureArgon2Gate(defaultArgon2GateOptions());
    await server.close();
  });

  it('answers wrong sign-ins beyond the argon2 queue 429 with Retry-After, while a signed-in password change is served', async () => {
    const { client: operator, username } = await createOperator(f.admin, 'operator');
    // The one slot is busy (as with a verification that takes long): two may wait, the rest are refused.
    const hold = await argon2Gate().acquire();
    let settled = 0;
    const flood = Array.from({ length: 40 }, (_, i) =>
      server.api
        .request(
          'POST',
          i % 2 ? pathTo(api.auth.login) : pathTo(api.selfService.login),
          { username: i % 3 ? unique('nobody') : username, password: `wrong password ${i}` },
          { 'x-forwarded-for': attacker(i) },
        )
        .finally(() => settled++),
    );
    while (settled < 38) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(argon2Gate().load).toEqual({ running: 1, waiting: 2 });
    // A signed-in verification waits ahead of the anonymous ones, and is never refused.
    const change = operator.post(pathTo(api.auth.changePassword), {
      currentPassword: `${username} long password`,
      newPassword: `${username} a new long password`,
    });
    while (argon2Gate().load.waiting < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    hold();
    const answers = await Promise.all(flood);
    expect((await change).status).toBe(204);

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(38);
    for (const answer of refused) {
      expect(answer.body).toMatchObject({
        error: {
          code: 'auth.rate_limited',
          message: expect.stringMatching(/busy.*wait \d+ seconds? and try again/),
        },
        retryAfter: expect.any(Number),
      });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // The flood is over: the right password signs in.
    const legitimate = await server.api.request(
      'POST',
      pathTo(api.auth.login),
      { username, password: `${username} a new long password` },
      { 'x-forwarded-for': '192.0.2.10' },
    );
    expect(legitimate.status).toBe(200);
  });

  it('a refused sign-in is not counted as a failure of the account', async () => {
    const { username } = await createOperator(f.admin, 'operator');
    const address = '192.0.2.20';
    const login = (password: string) =>
      server.api.request(
        'POST',
        pathTo(api.auth.login),
        { username, password },
        { 'x-forwarded-for': address },
      );
    const hold = await argon2Gate().acquire();
    const fillers = [login('wrong password a'), login('wrong password b')];
    while (argon2Gate().load.waiting < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 10; i++) expect((await login(`refused ${i}`)).status).toBe(429);
    hold();
    expect((await Promise.all(fillers)).map((answer) => answer.status)).toEqual([401, 401]);
    // Three free failures per account and address: two were used, the ten refusals used none.
    expect((await login('the third wrong one')).status).toBe(401);
    expect((await login(`${username} long password`)).status).toBe(200);
  });
});
