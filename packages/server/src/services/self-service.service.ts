/** Self-service: a cardholder's own cards, and offline unblock of them where their profile allows it. */
import { parseChallenge } from '@cardwarden/protocol/challenge';
import type { SelfServiceCard, SelfServiceMe, SelfServiceUnblockResponse } from '@cardwarden/contract';
import { AppError } from '../errors.js';
import { consumeStepUp } from '../sso/sso.service.js';
import { listCardsOfUser, type CardRecord } from '../repositories/card.repository.js';
import { findUserById } from '../repositories/user.repository.js';
import { attemptsRemaining, availability } from './availability.js';
import type { ServiceContext, CardholderActor } from './context.js';
import { cancelOfflineUnblock, issueResponse, startOfflineUnblock } from './offline-unblock.service.js';
import { unblockSwitches, type UnblockSwitches } from './settings.service.js';
import { challengeDigits, pinRulesOf } from './views.js';
import type { UnitOfWork } from '../db/unit-of-work.js';

function toSelfServiceCard(card: CardRecord, switches: UnblockSwitches): SelfServiceCard {
  return {
    id: card.id,
    serial: card.serial,
    type: card.type,
    state: card.state,
    profile: card.profile.name,
    pinRules: pinRulesOf(card.profile),
    challengeLength: challengeDigits(card),
    attemptsRemaining: attemptsRemaining(card),
    offlineUnblock: availability(card, 'selfServiceOfflineUnblock', switches),
  };
}

export async function getCardholder(ctx: ServiceContext, actor: CardholderActor): Promise<SelfServiceMe> {
  const user = await findUserById(ctx.db, actor.id);
  if (!user) throw new AppError('auth.unauthenticated', 'sign in again');
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    emailNotifications: ctx.notifier.enabled,
  };
}

export async function listOwnCards(ctx: ServiceContext, actor: CardholderActor): Promise<SelfServiceCard[]> {
  const switches = await unblockSwitches(ctx.db);
  return (await listCardsOfUser(ctx.db, actor.id)).map((card) => toSelfServiceCard(card, switches));
}

/**
 * "Unblock PIN offline": starts a session on the cardholder's own card and answers the challenge in one
 * step. Self-service never spends the last admin-key attempt; that one is the help desk's.
 */
export async function unblockOwnCard(
  ctx: ServiceContext,
  uow: UnitOfWork,
  actor: CardholderActor,
  cardId: string,
  challenge: string,
  ssoStepUp?: string,
): Promise<SelfServiceUnblockResponse> {
  const cards = await listCardsOfUser(ctx.db, actor.id);
  const card = cards.find((candidate) => candidate.id === cardId);
  // Another user's card is "not found": self-service does not confirm that it exists.
  if (!card) throw new AppError('card.not_found', 'you have no card with that id');
  // Refuse a mistyped challenge before a session exists; the session re-checks everything under lock.
  const parsed = parseChallenge(challenge, [challengeDigits(card)]);
  if (!parsed.ok) throw new AppError(parsed.problem.code, parsed.problem.message);
  // A profile may require a fresh SSO sign-in (docs/sso.md); only where the use case is on at all.
  if (card.profile.selfServiceOfflineUnblock && card.profile.requireSsoStepUp) {
    await consumeStepUp(ctx, ssoStepUp, actor.id);
  }
  const session = await startOfflineUnblock(ctx, actor, cardId, undefined);
  let issued;
  try {
    issued = await issueResponse(ctx, uow, actor, session.id, challenge);
  } catch (error) {
    // No response was issued: close the session rather than leave it open.
    await uow((tx) => cancelOfflineUnblock(ctx, tx, actor, session.id));
    throw error;
  }
  return { ...issued, id: session.id, pinRules: pinRulesOf(card.profile) };
}
