/**
 * The audit vocabulary (packages/contract/src/audit-actions.ts) holds every action the server writes,
 * with the details it writes: a scan of the server's sources finds every action it can write, and a
 * flow through the real server parses every event it wrote. (Every other test server checks its own
 * events too when it closes: @cardwarden/integration-tests/test-server.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTION_NAMES, isAuditAction, api, pathTo } from '@cardwarden/contract';
import type { Database } from '../src/db/database.js';
import { appendAuditEvent } from '../src/repositories/audit.repository.js';
import { auditVocabularyProblems } from '@cardwarden/integration-tests/audit-vocabulary';
import { createFixture, type Fixture } from '@cardwarden/integration-tests/fixtures';
import { forEachDatabase, startTestServer, type TestServer } from '@cardwarden/integration-tests/test-server';

const SOURCES = join(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The string literals an expression can take (through `a ? 'x' : 'y'`, parentheses, `as const`). */
function literalsOf(node: ts.Expression): string[] | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node))
    return literalsOf(node.expression);
  if (ts.isConditionalExpression(node)) {
    const [a, b] = [literalsOf(node.whenTrue), literalsOf(node.whenFalse)];
    return a && b ? [...a, ...b] : undefined;
  }
  return undefined;
}

const QUOTED_ACTION = /'([a-z_]+\.[a-z_]+)'/g;

interface Found {
  /** Actions written, with where. */
  readonly actions: { action: string; at: string }[];
  /** Writes whose action is not a literal (the scan cannot tell what they write). */
  readonly opaque: string[];
}

/**
 * The audit actions a source writes: the `action` of each `appendAuditEvent(db, { … })`, each
 * `auditActionSql('…')`, and any quoted action left in the text of an SQL statement that writes audit
 * events (`insert into audit_events`, or the `AUDIT_INSERT` fragment).
 */
function scanAuditWrites(fileName: string, text: string): Found {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: Found = { actions: [], opaque: [] };
  const where = (node: ts.Node) =>
    `${fileName}:${String(source.getLineAndCharacterOfPosition(node.getStart()).line + 1)}`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(source);
      if (callee === 'appendAuditEvent') {
        const event = node.arguments[1];
        const property =
          event && ts.isObjectLiteralExpression(event)
            ? event.properties.find(
                (p): p is ts.PropertyAssignment =>
                  ts.isPropertyAssignment(p) && p.name.getText(source) === 'action',
              )
            : undefined;
        const literals = property && literalsOf(property.initializer);
        if (literals) for (const action of literals) found.actions.push({ action, at: where(node) });
        else found.opaque.push(where(node));
      }
      if (callee === 'auditActionSql') {
        const [argument] = node.arguments;
        const literals = argument && literalsOf(argument);
        if (literals) for (const action of literals) found.actions.push({ action, at: where(node) });
        else found.opaque.push(where(node));
      }
    }
    if (ts.isTemplateExpression(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const sqlText = node.getText(source);
      if (/insert\s+into\s+audit_events|\$\{AUDIT_INSERT\}/i.test(sqlText)) {
        // Only the template's own text: what `${…}` interpolates is scanned where it is written.
        const own = ts.isTemplateExpression(node)
          ? [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('\n')
          : node.text;
        for (const match of own.matchAll(QUOTED_ACTION))
          found.actions.push({ action: match[1] ?? '', at: `${where(node)} (in SQL)` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * What `appendAuditEvent` refuses at compile time (`npm run typecheck` fails if one is accepted: each
 * `@ts-expect-error` must meet an error). Never called.
 */
export async function refusedAtCompileTime(db: Database): Promise<void> {
  const by = { actor: 'system', actorType: 'system' } as const;
  // @ts-expect-error an action that is not in the vocabulary
  await appendAuditEvent(db, { ...by, action: 'card.misspelt' });
  await appendAuditEvent(db, {
    ...by,
    action: 'identity.check_passed',
    // @ts-expect-error a detail the action does not define
    details: { questions: 2, answer: 'x' },
  });
  // @ts-expect-error a detail of the wrong type
  await appendAuditEvent(db, { ...by, action: 'identity.check_passed', details: { questions: '2' } });
  // @ts-expect-error the action's required details left out
  await appendAuditEvent(db, { ...by, action: 'identity.check_passed' });
  const action: string = 'identity.check_passed';
  // @ts-expect-error an action the compiler cannot check
  await appendAuditEvent(db, { ...by, action, details: { questions: 2 } });
  // Accepted: the details as the action defines them, and none for an action without any.
  await appendAuditEvent(db, { ...by, action: 'identity.check_passed', details: { questions: 2 } });
  await appendAuditEvent(db, { ...by, action: 'second_factor.totp_enrolled' });
}

describe('audit vocabulary: the server sources', () => {
  const all: Found = { actions: [], opaque: [] };
  for (const file of sourceFiles(SOURCES)) {
    const found = scanAuditWrites(file.slice(SOURCES.length + 1), readFileSync(file, 'utf8'));
    all.actions.push(...found.actions);
    all.opaque.push(...found.opaque);
  }

  it('write only actions of the vocabulary, each named where it is written', () => {
    expect(all.opaque, 'audit writes whose action the scan cannot read').toEqual([]);
    const unknown = all.actions.filter(({ action }) => !isAuditAction(action));
    expect(unknown, 'add these to packages/contract/src/audit-actions.ts').toEqual([]);
  });

  it('write every action of the vocabulary (no action is listed that nothing writes)', () => {
    const written = new Set(all.actions.map(({ action }) => action));
    expect(AUDIT_ACTION_NAMES.filter((action) => !written.has(action))).toEqual([]);
    // The SQL statements that write their own event are found too.
    expect(all.actions.filter(({ at }) => at.startsWith('repositories/offline-unblock')).length).toBe(4);
  });

  it('the scan finds an unknown action wherever it is written', () => {
    const found = scanAuditWrites(
      'sample.ts',
      [
        "await appendAuditEvent(tx, { actor, actorType, action: ok ? 'card.registered' : 'card.misspelt' });",
        'await appendAuditEvent(tx, { actor, actorType, action: someAction });',
        "const q = `insert into audit_events (action) values ('card.sql_only')`;",
        "const r = `${AUDIT_INSERT} select ${auditActionSql('card.updated')}, 'card.templated'`;",
      ].join('\n'),
    );
    expect(found.actions.map(({ action }) => action).sort()).toEqual([
      'card.misspelt',
      'card.registered',
      'card.sql_only',
      'card.templated',
      'card.updated',
    ]);
    expect(found.opaque).toEqual(['sample.ts:2']);
    expect(found.actions.filter(({ action }) => !isAuditAction(action)).map(({ action }) => action)).toEqual([
      'card.misspelt',
      'card.sql_only',
      'card.templated',
    ]);
  });
});

forEachDatabase('audit vocabulary: the events a flow writes', (kind) => {
  let server: TestServer;
  let f: Fixture;

  beforeAll(async () => {
    server = await startTestServer(kind);
    f = await createFixture(server.api);
  });
  afterAll(async () => {
    await server.close();
  });

  it('parse with the schema of their action, across the help desk, admin and sign-in flows', async () => {
    const ok = (response: { status: number; text: string }, status: number) => {
      expect(response.status, response.text).toBe(status);
    };
    // Sign-in refused and a password change refused.
    ok(await server.api.post(pathTo(api.auth.login), { username: f.operatorName, password: 'wrong' }), 401);
    ok(
      await f.operator.post(pathTo(api.auth.changePassword), {
        currentPassword: 'wrong',
        newPassword: 'x'.repeat(20),
      }),
      403,
    );
    // A help-desk offline unblock, answered and closed; another cancelled.
    const session = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {
        ticket: 'INC-7',
      },
    );
    ok(session, 201);
    ok(
      await f.operator.post(pathTo(api.offlineUnblocks.response, { id: session.body.id }), {
        challenge: '0557897F8D84407B',
      }),
      200,
    );
    ok(
      await f.operator.post(pathTo(api.offlineUnblocks.outcome, { id: session.body.id }), {
        result: 'unblocked',
      }),
      200,
    );
    const cancelled = await f.operator.post<{ id: string }>(
      pathTo(api.offlineUnblocks.start, { id: f.cardId }),
      {},
    );
    ok(await f.operator.post(pathTo(api.offlineUnblocks.cancel, { id: cancelled.body.id }), {}), 200);
    // Admin changes: card, admin-key count, cardholder, operator, settings, security questions, profile.
    ok(
      await f.admin.patch(pathTo(api.cards.update, { id: f.cardId }), {
        state: 'suspended',
        ticket: 'INC-8',
      }),
      200,
    );
    ok(
      await f.admin.post(pathTo(api.cards.resetAdminKeyAttempts, { id: f.cardId }), {
        reason: 'card replaced',
      }),
      200,
    );
    ok(
      await f.admin.patch(pathTo(api.users.update, { id: f.userId }), {
        displayName: 'Renamed',
        state: 'suspended',
      }),
      200,
    );
    ok(
      await f.admin.put(pathTo(api.users.setPassword, { id: f.userId }), {
        password: 'a long enough password',
      }),
      204,
    );
    ok(await f.admin.delete(pathTo(api.users.removePassword, { id: f.userId })), 204);
    ok(await f.admin.patch(pathTo(api.settings.update), { offlineUnblock: true }), 200);
    ok(await f.admin.put(pathTo(api.securityQuestions.updateSettings), { allowCustom: true }), 200);
    const question = await f.admin.post<{ id: string }>(pathTo(api.securityQuestions.create), {
      text: 'What was the name of your first school?',
    });
    ok(question, 201);
    ok(
      await f.admin.patch(pathTo(api.securityQuestions.update, { id: question.body.id }), { active: false }),
      200,
    );
    ok(
      await f.admin.patch(pathTo(api.profiles.update, { id: f.profileId }), { description: 'changed' }),
      200,
    );

    const problems = await auditVocabularyProblems(server.server.ctx.db);
    expect(problems).toEqual([]);
    const events = await f.admin.get<{ items: { action: string }[] }>(`${pathTo(api.audit.list)}?limit=1000`);
    const seen = new Set(events.body.items.map((event) => event.action));
    // The flow stays representative: it writes (at least) these.
    for (const action of [
      'auth.login',
      'auth.login_failed',
      'auth.password_change_failed',
      'operator.created',
      'user.created',
      'user.updated',
      'user.password_set',
      'user.password_removed',
      'profile.created',
      'profile.updated',
      'card.registered',
      'card.updated',
      'card.admin_key_attempts_reset',
      'offline_unblock.started',
      'offline_unblock.response_issued',
      'offline_unblock.outcome_recorded',
      'offline_unblock.cancelled',
      'settings.changed',
      'security_question.created',
      'security_question.updated',
      'security_question.settings_changed',
    ]) {
      expect(seen, action).toContain(action);
    }
  });
});
