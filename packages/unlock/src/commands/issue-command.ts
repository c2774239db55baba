/**
 * `cardwarden-unlock issue`: an issuer (or admin) puts a GIDS or PIV card under management. The tool reads
 * the card, the server registers it and drives it through the steps: authenticate with the card's current
 * key, write a new per-card key (kept by the server as pending until the card proves it), the profile's
 * PIN policy (PIV: and the PUK), and an initial PIN when asked. Keys never need to be typed; the PIN never
 * leaves this computer.
 * Running it again after an interruption finishes or rolls back what was left (docs/issuance.md).
 */
import type { IssuanceStep } from '@cardwarden/contract';
import type { AdminKeyAlgorithm } from '@cardwarden/protocol/admin-key';
import type { CardTransport } from '@cardwarden/protocol/apdu';
import type { CardAccess } from '../card-access.js';
import { cardProof, cardRandom, selectGids, sendServerApdu, setInitialPin } from '../card/gids-issuance.js';
import {
  pinVerifyFailure,
  pivCardProof,
  pivCardWitness,
  selectPiv,
  setPinAfterPolicy,
  verifyPinForPolicy,
} from '../card/piv-issuance.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import type { IssuanceClient } from '../online/issuance-client.js';
import { GIDS_PIN_RULES, PIV_PIN_RULES } from '../pin-rules.js';
import { UnlockFailure } from '../unlock-failure.js';
import { askNewPin } from './ask-new-pin.js';
import { connectCard } from './connect-card.js';

export interface IssueOptions {
  readonly reader?: string;
  readonly client: IssuanceClient;
  readonly user?: string;
  readonly profile?: string;
  /** Ask for an initial PIN and set it. */
  readonly pin: boolean;
  readonly transportKey?: string;
  /** The factory key's algorithm (default 3DES; a YubiKey from firmware 5.7 has AES-192). */
  readonly transportAlgorithm?: AdminKeyAlgorithm;
  /** PIV: ask for the card's current PIN (a card in use); otherwise the factory default 123456 is used. */
  readonly currentPin?: boolean;
  /** `CARDWARDEN_TOKEN`, when the operator signed in elsewhere. */
  readonly token?: string;
  /** Test hook (CARDWARDEN_TEST_STOP_AFTER=write-key): hang once the key is on the card, to be killed. */
  readonly testStopAfter?: string;
}

/** More steps than any run takes (authenticate twice per key, write, finish): a loop guard. */
const MAX_STEPS = 12;

function ended(what: string): UnlockFailure {
  return new UnlockFailure('input.ended', `the input ended before ${what}; nothing was changed`);
}

async function signIn(input: LineInput, reporter: Reporter, client: IssuanceClient): Promise<string> {
  reporter.say(`Sign in to ${client.origin} as an issuer or administrator.`);
  const username = await input.next(reporter.json ? undefined : 'Username: ');
  if (!username) throw ended('the username');
  const password = await input.next(reporter.json ? undefined : 'Password: ');
  if (password === undefined) throw ended('the password');
  return client.signIn(username.trim(), password);
}

async function askOptional(
  input: LineInput,
  reporter: Reporter,
  prompt: string,
): Promise<string | undefined> {
  if (reporter.json) return undefined;
  const value = await input.next(prompt);
  return value?.trim() ? value.trim() : undefined;
}

export async function issueCommand(
  access: CardAccess,
  input: LineInput,
  reporter: Reporter,
  options: IssueOptions,
): Promise<ExitCode> {
  const signedIn = options.token === undefined;
  const client = options.client.withToken(options.token ?? (await signIn(input, reporter, options.client)));
  try {
    const { card, identity, readerName } = await connectCard(access, options.reader);
    try {
      if (identity.type === 'unknown') {
        throw new UnlockFailure(
          'card.unsupported',
          `the card in ${readerName} is neither GIDS nor PIV; it cannot be issued`,
        );
      }
      if (!identity.serial)
        throw new UnlockFailure(
          'card.no_serial',
          'the card does not tell its serial number; it cannot be issued',
        );
      const pinText =
        identity.pin?.triesLeft === undefined
          ? ''
          : `; PIN ${identity.pin.triesLeft} of ${identity.pin.tryLimit ?? '?'} tries left`;
      const label = identity.type === 'gids' ? 'GIDS' : 'PIV';
      reporter.say(`${label} card ${identity.serial} in ${readerName}${pinText}.`);
      reporter.emit({ card: { type: identity.type, serial: identity.serial, pin: identity.pin ?? null } });

      const user =
        options.user ??
        (await askOptional(input, reporter, "Cardholder's username (Enter if the server knows the card): "));
      const profile =
        options.profile ?? (user ? await askOptional(input, reporter, 'Card profile: ') : undefined);
      const currentPin =
        identity.type === 'piv' && options.currentPin ? await askCurrentPin(input, reporter) : undefined;
      const pin = options.pin
        ? await askNewPin(input, reporter, identity.type === 'gids' ? GIDS_PIN_RULES : PIV_PIN_RULES)
        : undefined;

      let step = await client.start({
        serial: identity.serial,
        type: identity.type,
        ...(user ? { username: user } : {}),
        ...(profile ? { profile } : {}),
        ...(options.transportKey
          ? { transportKey: { algorithm: options.transportAlgorithm ?? '3des', key: options.transportKey } }
          : {}),
      });
      reporter.say(`Issuing card ${step.serial} to ${step.username} (profile ${step.profile}).`);
      if (step.cardType !== identity.type)
        throw new UnlockFailure(
          'server.bad_answer',
          `the server took this ${label} card for a ${step.cardType} card`,
        );
      const pins = { pin, currentPin };
      if (identity.type === 'gids') await selectGids(card.transport);
      else await selectPiv(card.transport);
      for (let round = 0; step.step !== 'done'; round++) {
        if (round === MAX_STEPS)
          throw new UnlockFailure(
            'server.bad_answer',
            'the server asked for too many steps; run the issue command again',
          );
        reporter.say(`- ${step.message}`);
        step =
          identity.type === 'gids'
            ? await runStep(card.transport, client, step, pin, options.testStopAfter)
            : await runPivStep(card.transport, client, step, pins, options.testStopAfter);
      }
      reporter.emit({
        result: 'issued',
        serial: step.serial,
        username: step.username,
        profile: step.profile,
        pinTryLimit: step.pinTryLimit,
        initialPinSet: pin !== undefined,
      });
      reporter.say(
        `Card ${step.serial} is issued to ${step.username}: a new ${identity.type === 'gids' ? 'admin' : 'management'} key only the server holds, ${step.pinTryLimit ?? '?'} PIN attempts${identity.type === 'piv' ? ', a PUK the help desk can unblock with' : ''}${pin === undefined ? '' : ', and the initial PIN you chose'}.`,
      );
      return EXIT.OK;
    } finally {
      await card.disconnect();
    }
  } finally {
    if (signedIn) await client.signOut();
  }
}

/** The card's current PIN, typed by its holder (PIV: SET PIN RETRIES wants it verified). */
async function askCurrentPin(input: LineInput, reporter: Reporter): Promise<string> {
  const pin = await input.next(reporter.json ? undefined : "The card's current PIN: ");
  if (pin === undefined) throw ended("the card's current PIN");
  if (pin.length < PIV_PIN_RULES.minLength || pin.length > PIV_PIN_RULES.maxLength) {
    throw new UnlockFailure(
      'pin.rules',
      `a PIV PIN has ${PIV_PIN_RULES.minLength} to ${PIV_PIN_RULES.maxLength} characters; nothing was sent to the card`,
    );
  }
  return pin;
}

/**
 * One PIV step: the management-key authentication the server answers, the key write, and the PIN policy
 * between a PIN verification and the PIN (initial, or the holder's again), both done here.
 */
async function runPivStep(
  transport: CardTransport,
  client: IssuanceClient,
  step: IssuanceStep,
  pins: { pin: string | undefined; currentPin: string | undefined },
  testStopAfter: string | undefined,
): Promise<IssuanceStep> {
  if (step.step === 'authenticate') {
    const algorithm = step.algorithm ?? '3des';
    const witness = await pivCardWitness(transport, algorithm);
    const { cryptogram } = await client.authenticate(step.id, witness);
    return client.proof(
      step.id,
      await pivCardProof(transport, algorithm, cryptogram, step.hostChallenge ?? ''),
    );
  }
  if (step.step === 'write-key') {
    const sw = await sendServerApdu(transport, step.apdus[0] ?? '');
    if (testStopAfter === 'write-key') await hangForTest();
    return client.keyWritten(step.id, sw);
  }
  const verified = await verifyPinForPolicy(transport, pins.currentPin);
  if (verified !== '9000') {
    try {
      await client.finish(step.id, [verified], false);
    } catch {
      // The server records the refusal; what the operator needs to know is the PIN.
    }
    throw pinVerifyFailure(verified, pins.currentPin !== undefined);
  }
  const statusWords: string[] = [];
  for (const apdu of step.apdus) {
    const sw = await sendServerApdu(transport, apdu);
    statusWords.push(sw);
    if (sw !== '9000') break;
  }
  const policyWritten = statusWords.every((sw) => sw === '9000');
  if (policyWritten) await setPinAfterPolicy(transport, pins.pin ?? pins.currentPin);
  return client.finish(step.id, statusWords, policyWritten && pins.pin !== undefined);
}

async function runStep(
  transport: CardTransport,
  client: IssuanceClient,
  step: IssuanceStep,
  pin: string | undefined,
  testStopAfter: string | undefined,
): Promise<IssuanceStep> {
  if (step.step === 'authenticate') {
    const r2 = await cardRandom(transport, step.hostChallenge ?? '');
    const { cryptogram } = await client.authenticate(step.id, r2);
    return client.proof(step.id, await cardProof(transport, cryptogram));
  }
  if (step.step === 'write-key') {
    const sw = await sendServerApdu(transport, step.apdus[0] ?? '');
    if (testStopAfter === 'write-key') await hangForTest();
    return client.keyWritten(step.id, sw);
  }
  const statusWords: string[] = [];
  for (const apdu of step.apdus) statusWords.push(await sendServerApdu(transport, apdu));
  if (statusWords.every((sw) => sw === '9000')) await setInitialPin(transport, pin);
  return client.finish(step.id, statusWords, pin !== undefined && statusWords.every((sw) => sw === '9000'));
}

/** CARDWARDEN_TEST_STOP_AFTER: tests kill the tool here, between the key write and its proof. */
function hangForTest(): Promise<never> {
  process.stderr.write('cardwarden-unlock: test stop after write-key (CARDWARDEN_TEST_STOP_AFTER)\n');
  return new Promise<never>(() => {
    setInterval(() => undefined, 60_000);
  });
}
