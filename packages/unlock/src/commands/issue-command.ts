/**
 * `cardwarden-unlock issue`: an issuer (or admin) puts a card under management. The tool reads the card,
 * the server registers it and drives it through the steps: authenticate with the card's current key,
 * write a new per-card key (kept by the server as pending until the card proves it), the profile's PIN
 * policy, and an initial PIN when asked. Keys never need to be typed; the PIN never leaves this computer.
 * Running it again after an interruption finishes or rolls back what was left (docs/issuance.md).
 */
import type { IssuanceStep } from '@cardwarden/contract';
import type { CardAccess } from '../card-access.js';
import { cardProof, cardRandom, selectGids, sendServerApdu, setInitialPin } from '../card/gids-issuance.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { LineInput } from '../io/line-input.js';
import type { Reporter } from '../io/reporter.js';
import type { IssuanceClient } from '../online/issuance-client.js';
import { GIDS_PIN_RULES } from '../pin-rules.js';
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
      if (identity.type === 'piv') {
        throw new UnlockFailure(
          'card.unsupported',
          'issuing PIV cards is not available yet; register this card with its management key in the portal',
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
      reporter.say(`GIDS card ${identity.serial} in ${readerName}${pinText}.`);
      reporter.emit({ card: { type: identity.type, serial: identity.serial, pin: identity.pin ?? null } });

      const user =
        options.user ??
        (await askOptional(input, reporter, "Cardholder's username (Enter if the server knows the card): "));
      const profile =
        options.profile ?? (user ? await askOptional(input, reporter, 'Card profile: ') : undefined);
      const pin = options.pin ? await askNewPin(input, reporter, GIDS_PIN_RULES) : undefined;

      let step = await client.start({
        serial: identity.serial,
        type: 'gids',
        ...(user ? { username: user } : {}),
        ...(profile ? { profile } : {}),
        ...(options.transportKey ? { transportKey: { algorithm: '3des', key: options.transportKey } } : {}),
      });
      reporter.say(`Issuing card ${step.serial} to ${step.username} (profile ${step.profile}).`);
      await selectGids(card.transport);
      for (let round = 0; step.step !== 'done'; round++) {
        if (round === MAX_STEPS)
          throw new UnlockFailure(
            'server.bad_answer',
            'the server asked for too many steps; run the issue command again',
          );
        reporter.say(`- ${step.message}`);
        step = await runStep(card.transport, client, step, pin, options.testStopAfter);
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
        `Card ${step.serial} is issued to ${step.username}: a new admin key only the server holds, ${step.pinTryLimit ?? '?'} PIN attempts${pin === undefined ? '' : ', and the initial PIN you chose'}.`,
      );
      return EXIT.OK;
    } finally {
      await card.disconnect();
    }
  } finally {
    if (signedIn) await client.signOut();
  }
}

async function runStep(
  transport: Parameters<typeof selectGids>[0],
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
