import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  answersFor,
  createSecurityFixture,
  type SecurityFixture,
} from '@cardwarden/integration-tests/security-fixture';
import { unique } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';
import { api, pathTo } from '@cardwarden/contract';

type Session = {
  id: string;
  identity: { required: boolean; verified: boolean; questions: { id: string; text: string }[] };
};

forEachDatabase('security questions and operator identity checks', (kind) => {
  let server: TestServer;
  let f: SecurityFixture;
  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createSecurityFixture(server.api, {
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5, validateInOfflineUnblock: true },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('keeps a catalogue that only admins change', async () => {
    const list = await f.operator.get<{ items: { id: string }[]; allowCustom: boolean }>(
      pathTo(api.securityQuestions.list),
    );
    expect(list.body.items.map((q) => q.id)).toEqual(expect.arrayContaining(f.questionIds));
    expect(list.body.allowCustom).toBe(false);
    expect(
      (await f.operator.post(pathTo(api.securityQuestions.create), { text: 'Your favourite colour?' }))
        .status,
    ).toBe(403);
    const retired = await f.admin.patch<{ active: boolean }>(
      pathTo(api.securityQuestions.update, { id: f.questionIds[3] ?? '' }),
      { active: false },
    );
    expect(retired.body.active).toBe(false);
    const mine = await f.cardholder.get<{
      catalogue: { id: string }[];
      required: number;
      answered: { questionId: string }[];
    }>(pathTo(api.securityQuestions.myAnswers));
    expect(mine.body.required).toBe(3);
    expect(mine.body.catalogue.map((q) => q.id)).not.toContain(f.questionIds[3]);
    expect(mine.body.answered.map((a) => a.questionId).sort()).toEqual(f.questionIds.slice(0, 3).sort());
    expect(JSON.stringify(mine.body)).not.toMatch(/Rex the Dog/i);
  });

  it('checks the answers a cardholder sets', async () => {
    const put = (answers: unknown[]) =>
      f.cardholder.put(pathTo(api.securityQuestions.setMyAnswers), { answers });
    const [a, b, c] = f.questionIds;
    const tooFew = await put([{ questionId: a, answer: 'one answer' }]);
    expect(tooFew.status).toBe(422);
    expect(tooFew.body).toMatchObject({
      error: { code: 'security_answers.invalid', message: 'set at least 3 answers; you gave 1' },
    });
    const same = await put([
      { questionId: a, answer: 'same' },
      { questionId: b, answer: ' SAME ' },
      { questionId: c, answer: 'other' },
    ]);
    expect(same.body).toMatchObject({
      error: { code: 'security_answers.invalid', message: 'give a different answer to each question' },
    });
    const short = await put([
      { questionId: a, answer: 'ab' },
      { questionId: b, answer: 'abcd' },
      { questionId: c, answer: 'abcde' },
    ]);
    expect(short.status).toBe(422);
    const unknown = await put([
      { questionId: '00000000-0000-4000-8000-000000000000', answer: 'first' },
      { questionId: b, answer: 'second' },
      { questionId: c, answer: 'third' },
    ]);
    expect(unknown.body).toMatchObject({ error: { code: 'security_question.not_found' } });
    const custom = await put([
      { customQuestion: 'Name of my first bicycle?', answer: 'Blue Thunder' },
      { questionId: b, answer: 'second' },
      { questionId: c, answer: 'third' },
    ]);
    expect(custom.status).toBe(403);
    expect(custom.body).toMatchObject({ error: { code: 'security_question.custom_not_allowed' } });
  });

  it('lets cardholders write their own questions once an admin allows it', async () => {
    const g = await createSecurityFixture(server.api, { useCases: { onlineUnlock: true } });
    expect(
      (await g.admin.put(pathTo(api.securityQuestions.updateSettings), { allowCustom: true })).status,
    ).toBe(200);
    const set = await g.cardholder.put(pathTo(api.securityQuestions.setMyAnswers), {
      answers: [
        { customQuestion: 'Name of my first bicycle?', answer: 'Blue Thunder' },
        { customQuestion: 'My grandmother’s village?', answer: 'Kleinwald' },
        { questionId: g.questionIds[0], answer: 'Rex the Dog' },
      ],
    });
    expect(set.status).toBe(204);
    const session = await server.api.post<{ id: string; questions: { id: string; text: string }[] }>(
      pathTo(api.onlineUnlock.start),
      {
        cardSerial: g.serial,
      },
    );
    const byText: Record<string, string> = {
      'Name of my first bicycle?': 'blue thunder',
      'My grandmother’s village?': 'KLEINWALD',
    };
    const answers = session.body.questions.map((q) => ({
      questionId: q.id,
      answer: byText[q.text] ?? 'rex the dog',
    }));
    const issued = await server.api.post(pathTo(api.onlineUnlock.response, { id: session.body.id }), {
      answers,
      challenge: '0557897F8D84407B',
    });
    expect(issued.status).toBe(200);
    await g.admin.put(pathTo(api.securityQuestions.updateSettings), { allowCustom: false });
  });

  it('makes the operator check the answers before a response when the profile says so', async () => {
    const start = await f.operator.post<Session>(pathTo(api.offlineUnblocks.start, { id: f.cardId }), {
      ticket: 'INC-42',
    });
    expect(start.status).toBe(201);
    expect(start.body.identity).toMatchObject({ required: true, verified: false });
    expect(start.body.identity.questions).toHaveLength(2);
    const url = pathTo(api.offlineUnblocks.get, { id: start.body.id });
    const shown = await f.operator.get<Session>(url);
    expect(shown.body.identity.questions).toEqual(start.body.identity.questions);

    const early = await f.operator.post(`${url}/response`, { challenge: '0557897F8D84407B' });
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ error: { code: 'offline_unblock.identity_required' } });

    const wrong = await f.operator.post(`${url}/identity`, {
      answers: start.body.identity.questions.map((q) => ({ questionId: q.id, answer: 'Fluffy' })),
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ error: { code: 'identity.wrong_answers' }, attemptsRemaining: 4 });
    expect((await f.operator.post(`${url}/response`, { challenge: '0557897F8D84407B' })).status).toBe(403);

    const right = await f.operator.post(`${url}/identity`, {
      answers: answersFor(f, start.body.identity.questions),
    });
    expect(right.status).toBe(200);
    expect(right.body).toEqual({ verified: true });
    expect((await f.operator.get<Session>(url)).body.identity).toEqual({
      required: true,
      verified: true,
      questions: [],
    });
    const issued = await f.operator.post(`${url}/response`, { challenge: '0557897F8D84407B' });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ response: '7716F4B2D7214EB2' });
    await f.operator.post(`${url}/outcome`, { result: 'unblocked' });

    const audit = await f.auditor.get<{ items: { action: string }[] }>(
      `${pathTo(api.audit.list)}?cardId=${f.cardId}`,
    );
    const actions = audit.body.items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['identity.check_failed', 'identity.check_passed']));
    for (const answer of f.answers.values())
      expect(audit.text.toLowerCase()).not.toContain(answer.toLowerCase().slice(0, 5));
    expect(audit.text).not.toContain('Fluffy');
    // Right answers reset the count.
    const detail = await f.admin.get<{ securityQuestions: { failedAttempts: number } }>(
      pathTo(api.users.get, { id: f.userId }),
    );
    expect(detail.body.securityQuestions.failedAttempts).toBe(0);
  });

  it('refuses to start when the cardholder has set no answers', async () => {
    const g = await createSecurityFixture(
      server.api,
      { securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5, validateInOfflineUnblock: true } },
      { setAnswers: false },
    );
    const start = await g.operator.post(pathTo(api.offlineUnblocks.start, { id: g.cardId }), {});
    expect(start.status).toBe(409);
    expect(start.body).toMatchObject({ error: { code: 'identity.answers_not_set' } });
  });

  it('shows a cardholder as locked when an admin lowers the limit below their count', async () => {
    const g = await createSecurityFixture(server.api, {
      securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5, validateInOfflineUnblock: true },
    });
    // Wrong answers at the help desk's identity check (online unlock keeps a count of its own).
    const session = await g.operator.post<{ id: string; identity: { questions: { id: string }[] } }>(
      pathTo(api.offlineUnblocks.start, { id: g.cardId }),
      {},
    );
    for (let i = 0; i < 2; i++) {
      await g.operator.post(pathTo(api.offlineUnblocks.identity, { id: session.body.id }), {
        answers: session.body.identity.questions.map((q) => ({ questionId: q.id, answer: 'wrong one' })),
      });
    }
    const before = await g.admin.get<{ securityQuestions: unknown }>(pathTo(api.users.get, { id: g.userId }));
    expect(before.body.securityQuestions).toMatchObject({
      failedAttempts: 2,
      maxFailedAttempts: 5,
      locked: false,
    });
    await g.admin.patch(pathTo(api.profiles.update, { id: g.profileId }), {
      securityQuestions: { maxFailedAttempts: 2 },
    });
    const after = await g.admin.get<{ securityQuestions: unknown }>(pathTo(api.users.get, { id: g.userId }));
    expect(after.body.securityQuestions).toMatchObject({
      failedAttempts: 2,
      maxFailedAttempts: 2,
      locked: true,
    });
    expect((await g.operator.post(pathTo(api.offlineUnblocks.start, { id: g.cardId }), {})).status).toBe(423);
    // Online unlock keeps its own count, which the help desk's failures do not touch.
    expect((await server.api.post(pathTo(api.onlineUnlock.start), { cardSerial: g.serial })).status).toBe(
      201,
    );
  });

  it('refuses a profile that asks more questions than it requires', async () => {
    const bad = await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), {
      securityQuestions: { asked: 4 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { code: 'profile.invalid_security_questions' } });
  });
  it('refuses a question that differs from one in the catalogue only in case, spaces or Unicode form', async () => {
    const text = `What was the name of your first school ${unique('dup')}?`;
    const created = await f.admin.post<{ id: string }>(pathTo(api.securityQuestions.create), { text });
    expect(created.status).toBe(201);
    for (const variant of [
      text.toUpperCase(),
      `  ${text.replace(/ /g, '   ')} `,
      text.replace(/ \?$/, '?').replace('school', 'ｓｃｈｏｏｌ'),
    ]) {
      const duplicate = await f.admin.post(pathTo(api.securityQuestions.create), { text: variant });
      expect(duplicate.status, variant).toBe(409);
      expect(duplicate.body).toMatchObject({
        error: { code: 'security_question.duplicate', message: expect.stringContaining(text) },
      });
    }
    // Renaming another question to the same text is refused too; rewording itself is not.
    const other = await f.admin.post<{ id: string }>(pathTo(api.securityQuestions.create), {
      text: `Your favourite film ${unique('dup')}?`,
    });
    const renamed = await f.admin.patch(pathTo(api.securityQuestions.update, { id: other.body.id }), {
      text: text.toLowerCase(),
    });
    expect(renamed.status).toBe(409);
    expect(renamed.body).toMatchObject({ error: { code: 'security_question.duplicate' } });
    const recased = await f.admin.patch<{ text: string }>(
      pathTo(api.securityQuestions.update, { id: created.body.id }),
      {
        text: text.toLowerCase(),
      },
    );
    expect(recased.status).toBe(200);
    // A retired question still counts: reactivate it rather than add it again.
    await f.admin.patch(pathTo(api.securityQuestions.update, { id: created.body.id }), { active: false });
    const again = await f.admin.post(pathTo(api.securityQuestions.create), { text });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { message: expect.stringContaining('reactivate') } });
  });
});
