/**
 * Directory sync: makes Cardwarden's directory users and directory staff match the directory.
 *
 * Model: every entry the user filter selects is a cardholder (users, source 'directory'), keyed on its
 * stable id, never its DN. An entry that is also in a group of CARDWARDEN_LDAP_GROUP_ROLES (directly or
 * through nested groups) is also a staff account (operators, source 'directory') with the most powerful
 * mapped role; leaving every mapped group disables that staff account. Disabled or removed entries
 * suspend the cardholder (never delete it); re-enabling makes it active again only when the directory,
 * not an operator, suspended it.
 */
import type {
  DirectoryConnectionTest,
  DirectoryStatus,
  DirectorySyncResult,
  OperatorState,
} from '@cardwarden/contract';
import type { DirectoryConfig, DirectoryRole } from '../config.js';
import { AppError, isUniqueViolation } from '../errors.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  countAccountSources,
  insertDirectoryOperator,
  lastCompletedSync,
  insertDirectoryUsers,
  listOperatorsForSync,
  listUsersForSync,
  lockDirectorySync,
  revokeTokensOfMany,
  updateDirectoryOperator,
  updateDirectoryUser,
  type NewDirectoryUser,
  type SyncedOperatorRow,
  type SyncedUserRow,
} from '../repositories/directory.repository.js';
import type { Database } from '../db/database.js';
import {
  allGroups,
  DirectoryUnavailable,
  type DirectoryEntry,
  type LdapDirectory,
} from '../directory/ldap-directory.js';
import type { OperatorActor, ServiceContext } from './context.js';
import { DirectoryRunMonitor, type RunReport } from './directory-run-monitor.js';
import type { Transaction, UnitOfWork } from '../db/unit-of-work.js';

/** Most powerful first: a member of several mapped groups gets the first of these it has. */
const ROLE_ORDER: readonly DirectoryRole[] = ['admin', 'supervisor', 'operator', 'issuer', 'auditor'];

/** What the server holds for directory work; absent when no directory is configured. */
export interface DirectoryContext {
  readonly config: DirectoryConfig;
  readonly ldap: LdapDirectory;
  readonly groupRoles: ReadonlyMap<string, DirectoryRole>;
  readonly runner: SingleFlight<DirectorySyncResult>;
  readonly monitor: DirectoryRunMonitor;
}

/** The directory work a configured server holds. */
export function directoryContext(config: DirectoryConfig, ldap: LdapDirectory): DirectoryContext {
  return {
    config,
    ldap,
    groupRoles: config.groupRoles,
    runner: new SingleFlight(),
    monitor: new DirectoryRunMonitor(),
  };
}

/** One run at a time per process: a request while one runs gets that run's result. */
export class SingleFlight<T> {
  private current: Promise<T> | undefined;
  run(work: () => Promise<T>): Promise<T> {
    this.current ??= work().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }
}

type Counts = Omit<DirectorySyncResult, 'dryRun' | 'durationMs' | 'changes' | 'changesTruncated'>;
type Change = NonNullable<DirectorySyncResult['changes']>[number];

/** A dry run lists at most this many changes (the counts are always complete). */
const MAX_LISTED_CHANGES = 200;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface UserChange {
  readonly row: SyncedUserRow;
  readonly changes: Mutable<Partial<NewDirectoryUser>> & { source?: 'directory'; directoryId?: string };
  readonly stateChange: 'suspended' | 'reactivated' | undefined;
}

interface Plan {
  readonly counts: Counts;
  readonly creates: NewDirectoryUser[];
  readonly updates: UserChange[];
  readonly operatorCreates: { username: string; role: DirectoryRole; directoryId: string }[];
  readonly operatorUpdates: {
    row: SyncedOperatorRow;
    changes: { username?: string; role?: DirectoryRole; state?: OperatorState };
  }[];
}

function roleOf(
  entry: DirectoryEntry,
  groupRoles: ReadonlyMap<string, DirectoryRole>,
  parents: ReadonlyMap<string, readonly string[]>,
): DirectoryRole | undefined {
  if (groupRoles.size === 0) return undefined;
  const groups = allGroups(entry.groups, parents);
  const roles = new Set<DirectoryRole>();
  for (const group of groups) {
    const role = groupRoles.get(group);
    if (role) roles.add(role);
  }
  return ROLE_ORDER.find((role) => roles.has(role));
}

/** Works out every change without writing anything (a dry run stops here). */
function plan(
  entries: readonly DirectoryEntry[],
  incomplete: number,
  parents: ReadonlyMap<string, readonly string[]>,
  groupRoles: ReadonlyMap<string, DirectoryRole>,
  existingUsers: readonly SyncedUserRow[],
  existingOperators: readonly SyncedOperatorRow[],
): Plan {
  const counts: Counts = {
    created: 0,
    updated: 0,
    suspended: 0,
    unchanged: 0,
    skipped: incomplete,
    operators: { created: 0, updated: 0, disabled: 0, unchanged: 0, skipped: 0 },
  };
  const byDirectoryId = new Map(
    existingUsers.filter((u) => u.directoryId).map((u) => [u.directoryId ?? '', u]),
  );
  const byUsername = new Map(existingUsers.map((u) => [u.username.toLowerCase(), u]));
  const creates: NewDirectoryUser[] = [];
  const updates: UserChange[] = [];
  const seen = new Set<string>();
  const claimedNames = new Set<string>();

  for (const entry of entries) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    const name = entry.username.toLowerCase();
    let row = byDirectoryId.get(entry.id);
    // A local user with the same username is adopted: hand-typed users become directory users.
    const holder = byUsername.get(name);
    if (!row && holder && holder.source === 'local' && holder.directoryId === null) row = holder;
    const nameTakenByOther = (holder !== undefined && holder !== row) || claimedNames.has(name);
    if (nameTakenByOther) {
      counts.skipped += 1;
      continue;
    }
    claimedNames.add(name);
    if (!row) {
      creates.push({
        username: entry.username,
        displayName: entry.displayName,
        email: entry.email,
        state: entry.disabled ? 'suspended' : 'active',
        directoryId: entry.id,
        suspendedByDirectory: entry.disabled,
      });
      counts.created += 1;
      continue;
    }
    const changes: UserChange['changes'] = {};
    if (row.source !== 'directory') changes.source = 'directory';
    if (row.directoryId !== entry.id) changes.directoryId = entry.id;
    if (row.username !== entry.username) changes.username = entry.username;
    if (row.displayName !== entry.displayName) changes.displayName = entry.displayName;
    if (row.email !== entry.email) changes.email = entry.email;
    let stateChange: UserChange['stateChange'];
    if (entry.disabled && row.state === 'active') {
      changes.state = 'suspended';
      changes.suspendedByDirectory = true;
      stateChange = 'suspended';
    } else if (!entry.disabled && row.state === 'suspended' && row.suspendedByDirectory) {
      changes.state = 'active';
      changes.suspendedByDirectory = false;
      stateChange = 'reactivated';
    }
    if (Object.keys(changes).length === 0) counts.unchanged += 1;
    else {
      updates.push({ row, changes, stateChange });
      if (stateChange === 'suspended') counts.suspended += 1;
      else counts.updated += 1;
    }
  }
  // Removed from the directory (or from the filter's reach): suspended, never deleted.
  for (const row of existingUsers) {
    if (row.source !== 'directory' || row.directoryId === null || seen.has(row.directoryId)) continue;
    if (row.state !== 'active') continue;
    updates.push({
      row,
      changes: { state: 'suspended', suspendedByDirectory: true },
      stateChange: 'suspended',
    });
    counts.suspended += 1;
  }

  const operatorCreates: Plan['operatorCreates'] = [];
  const operatorUpdates: Plan['operatorUpdates'] = [];
  const staffById = new Map(
    existingOperators.filter((o) => o.directoryId).map((o) => [o.directoryId ?? '', o]),
  );
  const staffNames = new Map(existingOperators.map((o) => [o.username.toLowerCase(), o]));
  for (const entry of entries) {
    const role = entry.disabled ? undefined : roleOf(entry, groupRoles, parents);
    const current = staffById.get(entry.id);
    if (!role) continue;
    if (!current) {
      // Local staff accounts are never taken over by a directory entry of the same name.
      if (staffNames.has(entry.username.toLowerCase())) {
        counts.operators.skipped += 1;
        continue;
      }
      operatorCreates.push({ username: entry.username, role, directoryId: entry.id });
      counts.operators.created += 1;
      continue;
    }
    const changes: Plan['operatorUpdates'][number]['changes'] = {};
    if (current.username !== entry.username && !staffNames.has(entry.username.toLowerCase()))
      changes.username = entry.username;
    if (current.role !== role) changes.role = role;
    if (current.state !== 'active') changes.state = 'active';
    if (Object.keys(changes).length === 0) counts.operators.unchanged += 1;
    else {
      operatorUpdates.push({ row: current, changes });
      counts.operators.updated += 1;
    }
  }
  const entryById = new Map(entries.map((entry) => [entry.id, entry]));
  for (const row of existingOperators) {
    if (row.source !== 'directory' || row.directoryId === null) continue;
    const entry = entryById.get(row.directoryId);
    const keeps = entry !== undefined && !entry.disabled && roleOf(entry, groupRoles, parents) !== undefined;
    if (keeps) continue;
    if (row.state === 'active') {
      operatorUpdates.push({ row, changes: { state: 'disabled' } });
      counts.operators.disabled += 1;
    }
  }
  return { counts, creates, updates, operatorCreates, operatorUpdates };
}

/** What a dry run shows: each planned change, account by account. */
function listChanges(planned: Plan): Change[] {
  const changes: Change[] = [];
  for (const create of planned.creates)
    changes.push({ kind: 'create', username: create.username, fields: [] });
  for (const { row, changes: fields, stateChange } of planned.updates) {
    const synced = (['username', 'displayName', 'email'] as const).filter((field) => field in fields);
    const kind =
      stateChange === 'suspended' ? 'suspend' : stateChange === 'reactivated' ? 'reactivate' : 'update';
    changes.push({ kind, username: fields.username ?? row.username, fields: [...synced] });
  }
  for (const create of planned.operatorCreates)
    changes.push({ kind: 'staff_create', username: create.username, fields: [], role: create.role });
  for (const { row, changes: fields } of planned.operatorUpdates) {
    const kind = fields.state === 'disabled' ? 'staff_disable' : 'staff_update';
    changes.push({
      kind,
      username: fields.username ?? row.username,
      fields: Object.keys(fields),
      ...(fields.role ? { role: fields.role } : {}),
    });
  }
  return changes;
}

async function apply(db: Database, planned: Plan): Promise<void> {
  await insertDirectoryUsers(db, planned.creates);
  const ended: string[] = [];
  for (const { row, changes, stateChange } of planned.updates) {
    await updateDirectoryUser(db, row.id, changes);
    if (stateChange === 'suspended') ended.push(row.id);
    if (stateChange) {
      await appendAuditEvent(db, {
        actor: 'directory',
        actorType: 'system',
        action: 'user.updated',
        userId: row.id,
        details: {
          state: stateChange === 'suspended' ? 'suspended' : 'active',
          previousState: row.state,
          by: 'directory sync',
        },
      });
    }
  }
  for (const created of planned.operatorCreates) await insertDirectoryOperator(db, created);
  for (const { row, changes } of planned.operatorUpdates) {
    await updateDirectoryOperator(db, row.id, changes);
    // A lost or changed role ends the staff member's sessions: the next sign-in gets the new role.
    if (changes.state === 'disabled' || changes.role !== undefined) ended.push(row.id);
  }
  await revokeTokensOfMany(db, ended);
}

/**
 * Runs the writing part in one transaction. A unique violation means someone created an account with a
 * directory username (or id) while the sync ran: nothing was written, and running it again settles it.
 */
async function writeSync<T>(uow: UnitOfWork, work: (tx: Transaction) => Promise<T>): Promise<T> {
  try {
    return await uow(work);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'directory.conflict',
        'an account with a directory username was created while the sync ran, so nothing was changed: run the sync again',
      );
    }
    throw error;
  }
}

/** One sync (or dry run) from start to end. */
async function runSync(
  ctx: ServiceContext,
  uow: UnitOfWork,
  directory: DirectoryContext,
  actor: { actor: string; actorType: 'operator' | 'system' },
  dryRun: boolean,
  report: RunReport,
): Promise<DirectorySyncResult> {
  const started = Date.now();
  let users: { entries: DirectoryEntry[]; incomplete: number };
  let parents: Map<string, string[]>;
  try {
    users = await directory.ldap.listUsers((read) => {
      report.entriesRead(read);
    });
    report.phase('reading groups');
    parents =
      directory.groupRoles.size > 0 ? await directory.ldap.groupParents() : new Map<string, string[]>();
  } catch (error) {
    if (error instanceof DirectoryUnavailable)
      throw new AppError('directory.unavailable', `${error.message}; nothing was changed. Try again later`);
    throw error;
  }
  const decide = async (db: Database) => {
    report.phase('comparing');
    const existingUsers = await listUsersForSync(db);
    if (
      users.entries.length === 0 &&
      existingUsers.some((u) => u.source === 'directory' && u.state === 'active')
    ) {
      // A wrong base DN or filter must not suspend everyone.
      throw new AppError(
        'directory.empty_result',
        'the directory returned no users, so nothing was changed: check CARDWARDEN_LDAP_BASE_DN and CARDWARDEN_LDAP_USER_FILTER',
      );
    }
    return plan(
      users.entries,
      users.incomplete,
      parents,
      directory.groupRoles,
      existingUsers,
      await listOperatorsForSync(db),
    );
  };
  let counts: Counts;
  if (dryRun) {
    const planned = await decide(ctx.db);
    const changes = listChanges(planned);
    return {
      ...planned.counts,
      dryRun,
      durationMs: Date.now() - started,
      changes: changes.slice(0, MAX_LISTED_CHANGES),
      changesTruncated: changes.length > MAX_LISTED_CHANGES,
    };
  } else {
    counts = await writeSync(uow, async (tx) => {
      await lockDirectorySync(tx);
      const planned = await decide(tx);
      report.phase('writing');
      await apply(tx, planned);
      await appendAuditEvent(tx, {
        ...actor,
        action: 'directory.sync_completed',
        details: {
          created: planned.counts.created,
          updated: planned.counts.updated,
          suspended: planned.counts.suspended,
          unchanged: planned.counts.unchanged,
          skipped: planned.counts.skipped,
          staffCreated: planned.counts.operators.created,
          staffUpdated: planned.counts.operators.updated,
          staffUnchanged: planned.counts.operators.unchanged,
          staffDisabled: planned.counts.operators.disabled,
          staffSkipped: planned.counts.operators.skipped,
          durationMs: Date.now() - started,
        },
      });
      return planned.counts;
    });
  }
  return { ...counts, dryRun, durationMs: Date.now() - started };
}

function requireDirectory(ctx: ServiceContext): DirectoryContext {
  if (!ctx.directory) {
    throw new AppError(
      'directory.not_configured',
      'no directory is configured: set CARDWARDEN_LDAP_URL and the other CARDWARDEN_LDAP_ settings, then restart',
    );
  }
  return ctx.directory;
}

/** `POST /directory/sync`: a real run is single-flight (joins a running one); a dry run always runs on its own. */
export function syncDirectory(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  dryRun: boolean,
): Promise<DirectorySyncResult> {
  const directory = requireDirectory(ctx);
  const who = { actor: actor.username, actorType: 'operator' as const };
  const tracked = (dry: boolean) =>
    directory.monitor.track({ trigger: 'operator', actor: actor.username }, dry, (report) =>
      runSync(ctx, uow, directory, who, dry, report),
    );
  if (dryRun) return tracked(true);
  return directory.runner.run(() => tracked(false));
}

/** The scheduled run (CARDWARDEN_LDAP_SYNC_INTERVAL). */
export function scheduledSync(ctx: ServiceContext, uow: UnitOfWork): Promise<DirectorySyncResult> {
  const directory = requireDirectory(ctx);
  return directory.runner.run(() =>
    directory.monitor.track({ trigger: 'scheduler', actor: 'scheduler' }, false, (report) =>
      runSync(ctx, uow, directory, { actor: 'scheduler', actorType: 'system' }, false, report),
    ),
  );
}

/** A completed run as the audit trail recorded it (another instance may have run it). */
function lastRunFromAudit(
  row: NonNullable<Awaited<ReturnType<typeof lastCompletedSync>>>,
): DirectoryStatus['lastRun'] {
  const n = (key: string) => {
    const value = row.details[key];
    return typeof value === 'number' ? value : 0;
  };
  return {
    trigger: row.actorType === 'system' ? 'scheduler' : 'operator',
    actor: row.actor,
    finishedAt: row.at.toISOString(),
    outcome: 'completed',
    result: {
      created: n('created'),
      updated: n('updated'),
      suspended: n('suspended'),
      unchanged: n('unchanged'),
      skipped: n('skipped'),
      operators: {
        created: n('staffCreated'),
        updated: n('staffUpdated'),
        disabled: n('staffDisabled'),
        unchanged: n('staffUnchanged'),
        skipped: n('staffSkipped'),
      },
      dryRun: false,
      durationMs: n('durationMs'),
    },
  };
}

/** `GET /directory`: the settings (never the password), the role mapping, progress, last run, sources. */
export async function directoryStatus(ctx: ServiceContext): Promise<DirectoryStatus> {
  const accounts = await countAccountSources(ctx.db);
  const directory = ctx.directory;
  if (!directory) return { configured: false, roleMapping: [], running: null, lastRun: null, accounts };
  const c = directory.config;
  let lastRun = directory.monitor.lastRun;
  if (!lastRun) {
    const audited = await lastCompletedSync(ctx.db);
    lastRun = audited ? lastRunFromAudit(audited) : null;
  }
  return {
    configured: true,
    settings: {
      url: c.url,
      startTls: c.startTls,
      caFile: c.caFile !== undefined,
      allowPlaintext: c.allowPlaintext,
      bindDn: c.bindDn,
      baseDn: c.baseDn,
      userFilter: c.userFilter,
      groupBaseDn: c.groupBaseDn,
      pageSize: c.pageSize,
      timeoutSeconds: c.timeoutMs / 1000,
      syncIntervalMinutes: c.syncIntervalMinutes ?? null,
      attributes: { ...c.attributes, username: [...c.attributes.username], id: [...c.attributes.id] },
    },
    roleMapping: [...directory.groupRoles].map(([group, role]) => ({ group, role })),
    running: directory.monitor.running,
    lastRun,
    accounts,
  };
}

/** `POST /directory/test`: connect, bind and read a few users, step by step. */
export async function testDirectoryConnection(ctx: ServiceContext): Promise<DirectoryConnectionTest> {
  const directory = requireDirectory(ctx);
  const test = await directory.ldap.testConnection(5);
  return {
    ok: test.ok,
    durationMs: test.durationMs,
    steps: [...test.steps],
    sample: test.sample.map(({ username, displayName, email, disabled, dn }) => ({
      username,
      displayName,
      email,
      disabled,
      dn,
    })),
    incomplete: test.incomplete,
  };
}
