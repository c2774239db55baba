/** Security questions set up through the API, as an admin and a cardholder would. */
import type { ApiClient } from './api-client.js';
import { createFixture, unique, type Fixture } from './fixtures.js';
import { api as routes, pathTo } from '@cardwarden/contract';

export interface SecurityFixture extends Fixture {
  readonly cardholder: ApiClient;
  readonly questionIds: string[];
  /** The answers as the cardholder set them, by question id. */
  readonly answers: Map<string, string>;
}

export const ANSWERS = ['Rex the Dog', 'Springfield  Elementary', 'ＰＡＲＩＳ'];

export async function createSecurityFixture(
  api: ApiClient,
  profile: Record<string, unknown> = {},
  options: { setAnswers?: boolean; answers?: string[] } = {},
): Promise<SecurityFixture> {
  const fixture = await createFixture(api, {
    useCases: { operatorOfflineUnblock: true, onlineUnlock: true, selfServiceOfflineUnblock: true },
    securityQuestions: { required: 3, asked: 2, maxFailedAttempts: 5 },
    ...profile,
  });
  const questionIds: string[] = [];
  for (const text of [
    'Name of your first pet?',
    'Your primary school?',
    'City you were born in?',
    'Favourite teacher?',
  ]) {
    const created = await fixture.admin.call(routes.securityQuestions.create, {
      body: { text: `${text} ${unique('q')}` },
    });
    if (created.status !== 201) throw new Error(`create question: ${created.status} ${created.text}`);
    questionIds.push(created.body.id);
  }
  const password = `${fixture.username} self-service password`;
  await fixture.admin.call(routes.users.setPassword, { params: { id: fixture.userId }, body: { password } });
  const cardholder = await api.login(fixture.username, password, pathTo(routes.selfService.login));
  const answers = new Map<string, string>();
  if (options.setAnswers !== false) {
    const texts = options.answers ?? ANSWERS;
    const chosen = questionIds.slice(0, 3).map((questionId, i) => ({ questionId, answer: texts[i] ?? '' }));
    const set = await cardholder.call(routes.securityQuestions.setMyAnswers, { body: { answers: chosen } });
    if (set.status !== 204) throw new Error(`set answers: ${set.status} ${set.text}`);
    for (const { questionId, answer } of chosen) answers.set(questionId, answer);
  }
  return { ...fixture, cardholder, questionIds, answers };
}

/** Answers to `questions` as a caller might type them: other case and spacing, Unicode forms folded. */
export function answersFor(
  fixture: SecurityFixture,
  questions: { id: string }[],
  mangle: (answer: string) => string = (a) => `  ${a.toUpperCase().replace(/ +/g, '   ')} `,
): { questionId: string; answer: string }[] {
  return questions.map((q) => ({ questionId: q.id, answer: mangle(fixture.answers.get(q.id) ?? '') }));
}
