import type { CreateOperatorBody, Operator, UpdateOperatorBody } from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import { hashPassword } from '../auth/password.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  countOtherActiveAdmins,
  findOperatorById,
  insertOperator,
  listOperators,
  updateOperator as updateOperatorRow,
  type OperatorRecord,
} from '../repositories/operator.repository.js';
import { revokeTokensOf } from '../repositories/token.repository.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import { iso } from './views.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

function toOperator(operator: OperatorRecord): Operator {
  return {
    id: operator.id,
    username: operator.username,
    role: operator.role,
    state: operator.state,
    mustChangePassword: operator.mustChangePassword,
    source: operator.source,
    singleSignOn: operator.ssoSubject !== null,
    createdAt: iso(operator.createdAt),
  };
}

export async function createOperator(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: CreateOperatorBody,
): Promise<Operator> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await uow(async (tx) => {
      const operator = await insertOperator(tx, { username: input.username, passwordHash, role: input.role });
      await appendAuditEvent(tx, {
        ...auditActor(actor),
        action: 'operator.created',
        details: { operator: operator.username, role: operator.role },
      });
      return toOperator(operator);
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError('operator.username_taken', `an operator named "${input.username}" exists already`);
    }
    throw error;
  }
}

export async function listAllOperators(ctx: ServiceContext): Promise<Operator[]> {
  return (await listOperators(ctx.db)).map(toOperator);
}

export async function updateOperator(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: UpdateOperatorBody,
): Promise<Operator> {
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return uow(async (tx) => {
    const operator = await findOperatorById(tx, id);
    if (!operator) throw new AppError('operator.not_found', 'no operator has that id');
    if (operator.source === 'directory') {
      throw new AppError(
        'operator.directory_managed',
        'this staff account comes from the directory: its role follows its directory groups and it signs in with its directory password; change the groups or disable the account in the directory',
      );
    }
    const losesAdmin =
      operator.role === 'admin' &&
      operator.state === 'active' &&
      ((input.role !== undefined && input.role !== 'admin') || input.state === 'disabled');
    if (losesAdmin && (await countOtherActiveAdmins(tx, id)) === 0) {
      throw new AppError('operator.last_admin', 'this is the last active admin; make another admin first');
    }
    // A password an admin sets here is the operator's own from now on, not a one-time one.
    await updateOperatorRow(tx, id, {
      role: input.role,
      state: input.state,
      passwordHash,
      ...(passwordHash === undefined ? {} : { mustChangePassword: false }),
    });
    if (input.state === 'disabled' || passwordHash !== undefined) await revokeTokensOf(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'operator.updated',
      details: {
        operator: operator.username,
        ...(input.role ? { role: input.role } : {}),
        ...(input.state ? { state: input.state } : {}),
        ...(passwordHash ? { passwordChanged: true } : {}),
      },
    });
    const updated = await findOperatorById(tx, id);
    if (!updated) throw new AppError('operator.not_found', 'no operator has that id');
    return toOperator(updated);
  });
}
