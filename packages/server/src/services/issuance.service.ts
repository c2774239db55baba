/**
 * Card issuance and re-keying (docs/issuance.md), for GIDS and PIV cards. The server drives the card
 * through steps; the tool in front of the card relays randoms, cryptograms and APDUs. Keys stay here: the
 * server answers the card's mutual authentication itself (GIDS admin key, PIV management key), and builds
 * the one APDU that writes a new key (`issuance-card-protocol.ts` has what differs per card type).
 *
 * Crash safety: the new key is stored as the card's PENDING key (committed) before the APDU that writes
 * it leaves the server, and becomes the active key only when the card proves it with one authentication.
 * A run that stops anywhere is finished or rolled back by the next: it authenticates with the pending key
 * first (the card has it: confirm), else with the active one (the card still has the old key: write again).
 */
import { toHex } from '@cardwarden/protocol/hex';
import { type AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import type {
  IssuanceAuthenticateBody,
  IssuanceAuthenticateResponse,
  IssuanceProofBody,
  IssuanceStep,
  IssuanceStepResultBody,
  StartIssuanceBody,
} from '@cardwarden/contract';
import { AppError, isUniqueViolation } from '../errors.js';
import {
  lockIssuanceKeys,
  markAdminKeyBlocked,
  promotePendingAdminKey,
  setPendingAdminKey,
  type IssuanceKey,
  type IssuanceKeys,
} from '../repositories/admin-key.repository.js';
import { appendAuditEvent } from '../repositories/audit.repository.js';
import {
  findCardById,
  findCardBySerial,
  updateCard,
  type CardRecord,
} from '../repositories/card.repository.js';
import {
  abandonOpenIssuances,
  insertIssuance,
  latestOpenIssuance,
  lockIssuance,
  updateIssuance,
  type IssuanceRecord,
  type KeySlot,
} from '../repositories/issuance.repository.js';
import { findProfileByName } from '../repositories/profile.repository.js';
import { withAdminKey } from './admin-key-response.js';
import { registerCardIn } from './card.service.js';
import { auditActor, type OperatorActor, type ServiceContext } from './context.js';
import {
  cardProves,
  checkCardChallenge,
  checkProofLength,
  hostAnswer,
  isIssuable,
  keyWriteApdu,
  newHostChallenge,
  pivPukFor,
  policyApdus,
  type IssuableType,
} from './issuance-card-protocol.js';
import { newAdminKeyForCard } from './issuance-key-source.js';
import type { Transaction, UnitOfWork } from '../db/unit-of-work.js';

/** How long one run may take before its randoms are void (the next run takes over). */
const ISSUANCE_MINUTES = 15;
/**
 * A new card's factory admin key when the operator names none: the TPM virtual smart card default (§1),
 * which is also the YubiKey's default PIV management key before firmware 5.7 (§3.2).
 */
const DEFAULT_TRANSPORT_KEY = '010203040506070801020304050607080102030405060708';
const SW_OK = '9000';
const SW_BLOCKED = '6983';

type Tx = Transaction;

function cardType(card: CardRecord): IssuableType {
  if (!isIssuable(card.type)) {
    throw new AppError(
      'issuance.unsupported_card',
      `card ${card.serial} is a ${card.type} card; it cannot be issued`,
    );
  }
  return card.type;
}

/** The algorithm of the key a slot names (a pending key keeps the card's algorithm, but ask the row). */
function slotAlgorithm(keys: IssuanceKeys, slot: KeySlot | null): AdminKeyAlgorithm {
  return sealedFor(keys, slot).algorithm;
}

function stepView(
  card: CardRecord,
  run: {
    id: string;
    step: IssuanceStep['step'];
    keySlot: KeySlot | null;
    hostChallenge: string | null;
    algorithm?: AdminKeyAlgorithm;
  },
  extra: { apdus?: string[]; pinTryLimit?: number; message: string },
): IssuanceStep {
  return {
    id: run.id,
    cardId: card.id,
    serial: card.serial,
    username: card.user.username,
    profile: card.profile.name,
    step: run.step,
    cardType: cardType(card),
    keySlot: run.step === 'authenticate' ? run.keySlot : null,
    algorithm: run.step === 'authenticate' ? (run.algorithm ?? null) : null,
    hostChallenge: run.step === 'authenticate' ? run.hostChallenge : null,
    apdus: extra.apdus ?? [],
    pinTryLimit: extra.pinTryLimit ?? null,
    message: extra.message,
  };
}

async function requireCardRecord(tx: Tx, id: string): Promise<CardRecord> {
  const card = await findCardById(tx, id);
  if (!card) throw new AppError('card.not_found', 'the card of this issuance no longer exists');
  return card;
}

function authenticateMessage(slot: KeySlot): string {
  return slot === 'pending'
    ? 'checking whether the card already holds the new key an earlier run wrote'
    : "authenticating with the card's current admin key";
}

/**
 * A new card: registered to its user and profile with its factory key as the active key, through the card
 * service's registration (the one place cards are registered).
 */
async function registerNewCard(
  ctx: ServiceContext,
  tx: Tx,
  actor: OperatorActor,
  input: StartIssuanceBody,
): Promise<string> {
  if (!input.username || !input.profile) {
    throw new AppError(
      'issuance.details_required',
      `the server does not know card ${input.serial} yet: say whose card it is and its profile (--user and --profile)`,
    );
  }
  const registered = await registerCardIn(
    ctx,
    tx,
    actor,
    {
      serial: input.serial,
      type: input.type,
      username: input.username,
      profile: input.profile,
      adminKey: {
        algorithm: input.transportKey?.algorithm ?? '3des',
        key: input.transportKey?.key ?? DEFAULT_TRANSPORT_KEY,
      },
    },
    input.transportKey ? 'transport' : 'transport-default',
  );
  registered.made.key.fill(0);
  return registered.id;
}

/** A known card: the same holder, maybe a new profile. */
async function checkKnownCard(
  tx: Tx,
  actor: OperatorActor,
  card: CardRecord,
  input: StartIssuanceBody,
): Promise<void> {
  if (card.type !== input.type) {
    throw new AppError(
      'issuance.card_taken',
      `card ${card.serial} is registered as a ${card.type} card, but this card is ${input.type}; check the serial`,
    );
  }
  if (input.username && input.username.toLowerCase() !== card.user.username.toLowerCase()) {
    throw new AppError(
      'issuance.card_taken',
      `card ${card.serial} belongs to ${card.user.username}; an admin must move it before it is issued to ${input.username}`,
    );
  }
  if (input.profile && input.profile.toLowerCase() !== card.profile.name.toLowerCase()) {
    const profile = await findProfileByName(tx, input.profile);
    if (!profile) throw new AppError('profile.not_found', `no card profile is named "${input.profile}"`);
    await updateCard(tx, card.id, { profileId: profile.id });
    await appendAuditEvent(tx, {
      ...auditActor(actor),
      action: 'card.updated',
      cardId: card.id,
      userId: card.user.id,
      details: {
        serial: card.serial,
        profile: profile.name,
        previousProfile: card.profile.name,
        by: 'issuance',
      },
    });
  }
}

async function requireKeys(tx: Tx, cardId: string): Promise<IssuanceKeys> {
  const keys = await lockIssuanceKeys(tx, cardId);
  if (!keys) throw new AppError('card.not_found', 'the card has no admin key record');
  return keys;
}

export async function startIssuance(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  input: StartIssuanceBody,
): Promise<IssuanceStep> {
  if (!isIssuable(input.type)) {
    throw new AppError(
      'issuance.unsupported_card',
      `${input.type} cards cannot be issued; GIDS and PIV cards can. Register this card with its key instead`,
    );
  }
  const type = input.type;
  try {
    return await uow((tx) => startInTransaction(ctx, tx, actor, input, type));
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        'issuance.card_taken',
        `card ${input.serial} was registered by someone else meanwhile; run the issue command again`,
      );
    }
    throw error;
  }
}

async function startInTransaction(
  ctx: ServiceContext,
  tx: Tx,
  actor: OperatorActor,
  input: StartIssuanceBody,
  type: IssuableType,
): Promise<IssuanceStep> {
  const known = await findCardBySerial(tx, input.serial);
  if (known) await checkKnownCard(tx, actor, known, input);
  const cardId = known?.id ?? (await registerNewCard(ctx, tx, actor, input));
  const keys = await requireKeys(tx, cardId);
  const previous = await latestOpenIssuance(tx, cardId);
  await abandonOpenIssuances(tx, cardId);
  const keySlot: KeySlot = keys.pending ? 'pending' : 'current';
  const algorithm = slotAlgorithm(keys, keySlot);
  const hostChallenge = newHostChallenge(type, algorithm);
  const id = await insertIssuance(tx, {
    cardId,
    operatorId: actor.id,
    operatorName: actor.username,
    keySlot,
    hostChallenge,
    keyConfirmedAt: previous?.keyConfirmedAt ?? null,
    minutes: ISSUANCE_MINUTES,
  });
  const card = await requireCardRecord(tx, cardId);
  await appendAuditEvent(tx, {
    ...auditActor(actor),
    action: 'issuance.started',
    cardId,
    userId: card.user.id,
    sessionId: id,
    details: {
      serial: card.serial,
      profile: card.profile.name,
      newCard: !known,
      keySlot,
      takesOverFrom: previous?.id ?? null,
      pendingKcv: keys.pending?.kcv ?? null,
    },
  });
  return stepView(
    card,
    { id, step: 'authenticate', keySlot, hostChallenge, algorithm },
    { message: authenticateMessage(keySlot) },
  );
}

/** The run, locked, if it is this operator's, open, not expired and at `step`. */
async function requireRun(
  tx: Tx,
  actor: OperatorActor,
  id: string,
  step: IssuanceRecord['step'],
): Promise<IssuanceRecord> {
  const run = await lockIssuance(tx, id);
  if (!run || run.operatorId !== actor.id)
    throw new AppError('issuance.not_found', 'no issuance of yours has that id');
  if (run.state !== 'open') {
    throw new AppError('issuance.closed', `this issuance is ${run.state}; run the issue command again`);
  }
  if (run.expiresAt.getTime() < Date.now()) {
    throw new AppError(
      'issuance.expired',
      'this issuance took too long; run the issue command again to finish it',
    );
  }
  if (run.step !== step) {
    throw new AppError(
      'issuance.wrong_step',
      `this issuance is at step ${run.step}, not ${step}; run the issue command again`,
    );
  }
  return run;
}

function sealedFor(keys: IssuanceKeys, slot: KeySlot | null): IssuanceKey {
  if (slot === 'pending' && keys.pending) return keys.pending;
  return keys;
}

/** The server's answer (GIDS E_K(R2 ‖ R1 ‖ Z1), PIV the witness) with the key of the run's slot; once per random. */
export async function answerIssuanceAuthentication(
  ctx: ServiceContext,
  tx: Transaction,
  actor: OperatorActor,
  id: string,
  input: IssuanceAuthenticateBody,
): Promise<IssuanceAuthenticateResponse> {
  const run = await requireRun(tx, actor, id, 'authenticate');
  if (run.cardChallenge !== null || run.hostChallenge === null) {
    throw new AppError(
      'issuance.wrong_step',
      'this random was answered already; run the issue command again',
    );
  }
  const keys = await requireKeys(tx, run.cardId);
  const key = sealedFor(keys, run.keySlot);
  const card = await requireCardRecord(tx, run.cardId);
  const type = cardType(card);
  checkCardChallenge(type, key.algorithm, input.cardChallenge);
  const randoms = { hostChallenge: run.hostChallenge, cardChallenge: input.cardChallenge };
  const cryptogram = await withAdminKey(ctx, tx, card, key, (bytes) =>
    hostAnswer(type, key.algorithm, bytes, randoms),
  );
  await updateIssuance(tx, id, { cardChallenge: input.cardChallenge.toUpperCase() });
  return { cryptogram: toHex(cryptogram) };
}

type ProofOutcome = { kind: 'step'; step: IssuanceStep } | { kind: 'error'; error: AppError };

type AuditWho = ReturnType<typeof auditActor> & {
  cardId: string;
  userId: string;
  sessionId: string;
};

/**
 * One answer of the card to the run at `step`, in one transaction: the run (locked, checked as
 * requireRun does) and its card go to `answer`. A run that stops commits its state and audit first,
 * then its error is thrown.
 */
async function answerStep(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  step: IssuanceRecord['step'],
  answer: (tx: Tx, run: IssuanceRecord, card: CardRecord, audit: AuditWho) => Promise<ProofOutcome>,
): Promise<IssuanceStep> {
  const outcome = await uow(async (tx): Promise<ProofOutcome> => {
    const run = await requireRun(tx, actor, id, step);
    const card = await requireCardRecord(tx, run.cardId);
    return answer(tx, run, card, {
      ...auditActor(actor),
      cardId: card.id,
      userId: card.user.id,
      sessionId: id,
    });
  });
  if (outcome.kind === 'error') throw outcome.error;
  return outcome.step;
}

/** Closes the run as failed; the error is what the caller is told once that is committed. */
async function stopRun(tx: Tx, id: string, error: AppError, refusedSlots?: string[]): Promise<ProofOutcome> {
  await updateIssuance(tx, id, {
    state: 'failed',
    step: 'done',
    closed: true,
    ...(refusedSlots ? { refusedSlots } : {}),
  });
  return { kind: 'error', error };
}

/** The card's answer to the server's cryptogram: the next step, or why the run stops. */
export async function recordIssuanceProof(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: IssuanceProofBody,
): Promise<IssuanceStep> {
  return answerStep(ctx, uow, actor, id, 'authenticate', async (tx, run, card, audit) => {
    if (run.cardChallenge === null || run.hostChallenge === null) {
      throw new AppError('issuance.wrong_step', 'send the card’s random first (authenticate)');
    }
    const keys = await requireKeys(tx, run.cardId);
    const slot: KeySlot = run.keySlot === 'pending' && keys.pending ? 'pending' : 'current';
    if ('refused' in input) return refused(tx, run, card, keys, slot, input.statusWord.toUpperCase(), audit);

    const key = sealedFor(keys, slot);
    const type = cardType(card);
    checkProofLength(type, key.algorithm, input.cardCryptogram);
    const randoms = { hostChallenge: run.hostChallenge, cardChallenge: run.cardChallenge };
    const proved = await withAdminKey(ctx, tx, card, key, (bytes) =>
      cardProves(type, key.algorithm, bytes, randoms, input.cardCryptogram),
    );
    if (!proved) {
      await appendAuditEvent(tx, {
        ...audit,
        action: 'issuance.proof_invalid',
        details: { serial: card.serial, keySlot: slot },
      });
      return stopRun(
        tx,
        id,
        new AppError(
          'issuance.proof_invalid',
          "the card's answer does not prove the key; nothing was written. Run the issue command again",
        ),
      );
    }
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.authenticated',
      details: { serial: card.serial, keySlot: slot, kcv: key.kcv },
    });
    if (slot === 'pending') {
      await promotePendingAdminKey(tx, card.id);
      await updateIssuance(tx, id, {
        step: 'finish',
        keyConfirmed: true,
        hostChallenge: null,
        cardChallenge: null,
      });
      await appendAuditEvent(tx, {
        ...audit,
        action: 'issuance.key_confirmed',
        details: { serial: card.serial, kcv: key.kcv, previousKcv: keys.kcv },
      });
      return { kind: 'step', step: await finishStep(ctx, tx, card, id) };
    }
    if (run.keyConfirmedAt !== null) {
      // An earlier run wrote and confirmed the key but stopped before the PIN policy: only that is left.
      await updateIssuance(tx, id, { step: 'finish', hostChallenge: null, cardChallenge: null });
      return { kind: 'step', step: await finishStep(ctx, tx, card, id) };
    }
    return { kind: 'step', step: await writeKeyStep(ctx, tx, run, card, keys, audit) };
  });
}

async function refused(
  tx: Tx,
  run: IssuanceRecord,
  card: CardRecord,
  keys: IssuanceKeys,
  slot: KeySlot,
  statusWord: string,
  audit: AuditWho,
): Promise<ProofOutcome> {
  const refusedSlots = [...new Set([...run.refusedSlots, slot])];
  await appendAuditEvent(tx, {
    ...audit,
    action: 'issuance.authentication_refused',
    details: { serial: card.serial, keySlot: slot, statusWord },
  });
  if (statusWord === SW_BLOCKED) {
    if (slot === 'current') await markAdminKeyBlocked(tx, card.id);
    return stopRun(
      tx,
      run.id,
      new AppError(
        'admin_key.blocked',
        `the card's admin key is blocked (status 6983): it can no longer be issued or unblocked; replace the card`,
      ),
      refusedSlots,
    );
  }
  const next: KeySlot | undefined = (['pending', 'current'] as const).find(
    (candidate) => !refusedSlots.includes(candidate) && (candidate === 'current' || keys.pending !== null),
  );
  if (next === undefined) {
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.failed',
      details: { serial: card.serial, reason: 'key_unknown' },
    });
    return stopRun(
      tx,
      run.id,
      new AppError(
        'issuance.key_unknown',
        `card ${card.serial} refused every key the server holds for it (KCV ${keys.kcv}${keys.pending ? `, pending ${keys.pending.kcv}` : ''}); ` +
          'it has another admin key. For a new card give its factory key (--transport-key); otherwise replace the card',
      ),
      refusedSlots,
    );
  }
  const algorithm = slotAlgorithm(keys, next);
  const hostChallenge = newHostChallenge(cardType(card), algorithm);
  await updateIssuance(tx, run.id, { keySlot: next, refusedSlots, hostChallenge, cardChallenge: null });
  return {
    kind: 'step',
    step: stepView(
      card,
      { id: run.id, step: 'authenticate', keySlot: next, hostChallenge, algorithm },
      { message: authenticateMessage(next) },
    ),
  };
}

/** The card proved its current key: the new key is stored as pending (committed with this step), then sent. */
async function writeKeyStep(
  ctx: ServiceContext,
  tx: Tx,
  run: IssuanceRecord,
  card: CardRecord,
  keys: IssuanceKeys,
  audit: AuditWho,
): Promise<IssuanceStep> {
  let key: Uint8Array;
  let algorithm: AdminKeyAlgorithm;
  if (keys.pending) {
    algorithm = keys.pending.algorithm;
    // An earlier run stored a key and stopped before the card took it: write that same key.
    key = await withAdminKey(ctx, tx, card, keys.pending, (bytes) => Uint8Array.from(bytes));
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.key_pending',
      details: {
        serial: card.serial,
        algorithm: keys.pending.algorithm,
        kcv: keys.pending.kcv,
        reused: true,
      },
    });
  } else {
    await ctx.keys.ensureCurrent(tx);
    const fresh = await newAdminKeyForCard(ctx, tx, card.profile, card, keys.algorithm);
    key = fresh.key;
    algorithm = fresh.algorithm;
    await setPendingAdminKey(tx, card.id, fresh);
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.key_pending',
      details: {
        serial: card.serial,
        algorithm: fresh.algorithm,
        kcv: fresh.kcv,
        keySource: fresh.source,
        ...(fresh.masterVersion === null ? {} : { masterVersion: fresh.masterVersion }),
      },
    });
  }
  try {
    await updateIssuance(tx, run.id, { step: 'write-key', hostChallenge: null, cardChallenge: null });
    return stepView(
      card,
      { id: run.id, step: 'write-key', keySlot: null, hostChallenge: null },
      {
        apdus: [toHex(keyWriteApdu(cardType(card), algorithm, key))],
        message:
          card.type === 'piv'
            ? 'writing the new management key to the card'
            : 'writing the new admin key to the card',
      },
    );
  } finally {
    key.fill(0);
  }
}

/**
 * The PIN policy, written once the card holds a key the server holds. A PIV card also gets its PUK,
 * computed from that (now active) key, with the profile's admin-key attempt limit as its try limit.
 */
async function finishStep(ctx: ServiceContext, tx: Tx, card: CardRecord, id: string): Promise<IssuanceStep> {
  const type = cardType(card);
  const pinTryLimit = card.profile.maxPinAttempts;
  const limits = { pinTries: pinTryLimit, pukTries: card.profile.adminKeyAttemptLimit };
  let apdus: Uint8Array[];
  if (type === 'piv') {
    const keys = await requireKeys(tx, card.id);
    apdus = await withAdminKey(ctx, tx, card, keys, (key) =>
      policyApdus(type, limits, pivPukFor(keys.algorithm, key, card.serial)),
    );
  } else {
    apdus = policyApdus(type, limits, undefined);
  }
  try {
    return stepView(
      card,
      { id, step: 'finish', keySlot: null, hostChallenge: null },
      {
        apdus: apdus.map((apdu) => toHex(apdu)),
        pinTryLimit,
        message:
          type === 'piv'
            ? `writing the PIN policy (${pinTryLimit} PIN attempts) and the PUK the help desk can unblock with`
            : `writing the PIN policy (${pinTryLimit} PIN attempts)`,
      },
    );
  } finally {
    for (const apdu of apdus) apdu.fill(0);
  }
}

/** The status word a step's APDUs ended with, upper case ('' when none came back). */
function firstStatusWord(input: IssuanceStepResultBody): string {
  return (input.statusWords[0] ?? '').toUpperCase();
}

/** The card's answer to the key write: on 9000 the card must now prove the new key. */
export async function recordKeyWritten(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: IssuanceStepResultBody,
): Promise<IssuanceStep> {
  return answerStep(ctx, uow, actor, id, 'write-key', async (tx, _run, card, audit) => {
    const statusWord = firstStatusWord(input);
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.key_written',
      details: { serial: card.serial, statusWord },
    });
    if (statusWord !== SW_OK) {
      // The pending key stays: should the card have taken it after all, the next run confirms it.
      return stopRun(
        tx,
        id,
        new AppError(
          'issuance.card_refused',
          `the card refused the new key (status ${statusWord}); it keeps its current key. Run the issue command again`,
        ),
      );
    }
    const keys = await requireKeys(tx, card.id);
    const algorithm = slotAlgorithm(keys, 'pending');
    const hostChallenge = newHostChallenge(cardType(card), algorithm);
    await updateIssuance(tx, id, {
      step: 'authenticate',
      keySlot: 'pending',
      refusedSlots: [],
      hostChallenge,
    });
    return {
      kind: 'step',
      step: stepView(
        card,
        { id, step: 'authenticate', keySlot: 'pending', hostChallenge, algorithm },
        { message: 'the card proves the new key' },
      ),
    };
  });
}

/** The card's answer to the PIN policy: the run is complete. */
export async function finishIssuance(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: OperatorActor,
  id: string,
  input: IssuanceStepResultBody,
): Promise<IssuanceStep> {
  return answerStep(ctx, uow, actor, id, 'finish', async (tx, _run, card, audit) => {
    const statusWord = firstStatusWord(input);
    if (statusWord !== SW_OK) {
      await appendAuditEvent(tx, {
        ...audit,
        action: 'issuance.failed',
        details: { serial: card.serial, reason: 'pin_policy_refused', statusWord },
      });
      return stopRun(
        tx,
        id,
        new AppError(
          'issuance.card_refused',
          `the card refused the PIN policy (status ${statusWord}); its new key is registered. Run the issue command again to retry the policy`,
        ),
      );
    }
    await updateIssuance(tx, id, { state: 'completed', step: 'done', closed: true });
    await appendAuditEvent(tx, {
      ...audit,
      action: 'issuance.completed',
      details: {
        serial: card.serial,
        profile: card.profile.name,
        pinTryLimit: card.profile.maxPinAttempts,
        ...(card.type === 'piv' ? { pukTryLimit: card.profile.adminKeyAttemptLimit, pukSet: true } : {}),
        initialPinSet: input.pinSet === true,
        kcv: card.adminKey.kcv,
      },
    });
    return {
      kind: 'step',
      step: stepView(
        card,
        { id, step: 'done', keySlot: null, hostChallenge: null },
        {
          pinTryLimit: card.profile.maxPinAttempts,
          message: `card ${card.serial} is issued to ${card.user.username}`,
        },
      ),
    };
  });
}
