import { GidsCard, newGidsCardState, newPivCardState, PivCard } from '@cardwarden/card-sim';
import { fromHex, toHex } from '@cardwarden/protocol/hex';
import { asciiBytes } from '@cardwarden/protocol/apdu';
import { gidsResetRetryCounter } from '@cardwarden/protocol/gids';
import { pivPukChallenge, pivPukFromResponse } from '@cardwarden/protocol/piv';
import { computeAdminResponse } from '@cardwarden/protocol/crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { collector, scriptedInput, SoftwareCardAccess } from './software-card-access.js';

const KEY_HEX = '010203040506070801020304050607080102030405060708';
const WRONG_KEY = fromHex('0F0E0D0C0B0A09080F0E0D0C0B0A09080F0E0D0C0B0A0908');

function challengeOf(printed: string): Uint8Array {
  const line = printed.split('\n').find((l) => l.startsWith('{"challenge"'))!;
  return fromHex((JSON.parse(line) as { challenge: string }).challenge);
}

function jsonLines(printed: string): unknown[] {
  return printed
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

describe('cardwarden-unlock offline, against an in-memory software GIDS card', () => {
  let card: GidsCard;
  let access: SoftwareCardAccess;

  beforeEach(() => {
    card = new GidsCard(
      newGidsCardState({ serial: 'A1'.repeat(16), algorithm: '3des', adminKey: KEY_HEX, pin: '12345678' }),
    );
    card.blockPin();
    access = new SoftwareCardAccess({ 'Empty Reader 00 00': null, 'Virtual PCD 00 00': card });
  });

  async function run(lines: ((printed: string) => string | undefined)[], args = ['offline', '--json']) {
    const stdout = collector();
    const stderr = collector();
    const input = scriptedInput(lines, () => stdout.text());
    const status = await main(args, { openCardAccess: () => access, input, stdout, stderr });
    return { status, out: jsonLines(stdout.text()), stderr: stderr.text() };
  }

  const rightResponse = (printed: string) =>
    toHex(computeAdminResponse('3des', fromHex(KEY_HEX), challengeOf(printed)));
  const wrongResponse = (printed: string) =>
    toHex(computeAdminResponse('3des', WRONG_KEY, challengeOf(printed)));

  it('unblocks with the right response and sets the new PIN', async () => {
    const result = await run([rightResponse, () => '24681357', () => '24681357']);
    expect(result.out).toEqual([
      {
        challenge: expect.stringMatching(/^[0-9A-F]{16}$/),
        pinRules: { minLength: 4, maxLength: 16, digitsOnly: false },
      },
      { result: 'unblocked' },
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/No --server given: .*card's own limits only \(4-16 characters\)/);
    expect(card.snapshot()).toMatchObject({ pin: '24681357', pinTriesLeft: 3, adminTriesLeft: 3 });
  });

  it('accepts the response typed the forgiving way (spaces, lower case, O for 0)', async () => {
    const typed = (printed: string) =>
      rightResponse(printed)
        .toLowerCase()
        .replace(/(.{4})/g, '$1 ')
        .replace(/0/g, 'O');
    expect((await run([typed, () => '24681357', () => '24681357'])).status).toBe(0);
  });

  it('refuses a wrong response, says how many attempts are left, and counts down to blocked', async () => {
    const first = await run([wrongResponse, () => '24681357', () => '24681357']);
    expect(first.status).toBe(4);
    expect(first.out[1]).toMatchObject({ result: 'failed', code: 'response.wrong', attemptsLeft: 2 });
    expect((first.out[1] as { message: string }).message).toMatch(/2 attempts left/);
    expect((await run([wrongResponse, () => '24681357', () => '24681357'])).out[1]).toMatchObject({
      attemptsLeft: 1,
    });
    const last = await run([wrongResponse, () => '24681357', () => '24681357']);
    expect(last.status).toBe(5);
    expect(last.out[1]).toMatchObject({ code: 'admin_key.blocked' });
    const after = await run([rightResponse, () => '24681357', () => '24681357']);
    expect(after.out).toEqual([expect.objectContaining({ result: 'failed', code: 'admin_key.blocked' })]);
    expect(after.status).toBe(5);
    expect(card.snapshot()).toMatchObject({ pinTriesLeft: 0, adminTriesLeft: 0 });
  });

  it('checks input before spending an attempt', async () => {
    const format = await run([() => '0557 897F', () => '24681357', () => '24681357']);
    expect(format.out[1]).toMatchObject({
      code: 'response.bad_format',
      message: expect.stringMatching(/has 8 hex characters, it should have 16/),
    });
    expect(format.status).toBe(8);
    expect((await run([rightResponse, () => '24681357', () => '24681358'])).out[1]).toMatchObject({
      code: 'pin.mismatch',
    });
    expect((await run([rightResponse, () => '123456', () => '123456'])).out[1]).toMatchObject({
      code: 'pin.rules',
    });
    expect((await run([rightResponse])).out[1]).toMatchObject({ code: 'input.ended' });
    expect(card.snapshot().adminTriesLeft).toBe(3);
  });

  it('reports a wrong response before asking for the new PIN', async () => {
    const lines = [wrongResponse, () => '24681357', () => '24681357'];
    const result = await run(lines);
    expect(result.out[1]).toMatchObject({ code: 'response.wrong', attemptsLeft: 2 });
    // Only the response was read: the cardholder never had to choose a PIN for a refused response.
    expect(lines).toHaveLength(2);
  });

  it('checks the response with the card first, and drops the admin session when no PIN follows', async () => {
    const lines: ((printed: string) => string | undefined)[] = [rightResponse];
    const result = await run(lines);
    expect(result.out[1]).toMatchObject({ code: 'input.ended' });
    expect(result.stderr).toMatch(/The card accepted the response/);
    // The right response reset the admin-key counter; the card no longer holds the admin authentication.
    expect(card.snapshot().adminTriesLeft).toBe(3);
    // (The application is still selected: a SELECT would clear the security state by itself.)
    const transport = access.transports.get('Virtual PCD 00 00')!;
    const reset = await transport.transmit(gidsResetRetryCounter(asciiBytes('11223344')));
    expect(toHex(reset.slice(-2))).toBe('6982');
    expect(card.snapshot().pin).toBe('12345678');
  });

  it('says the challenge is gone when the card is removed mid-way', async () => {
    const transport = access.transports.get('Virtual PCD 00 00')!;
    const result = await run([
      (printed) => {
        const response = rightResponse(printed);
        transport.remove();
        return response;
      },
      () => '24681357',
      () => '24681357',
    ]);
    expect(result.status).toBe(6);
    expect(result.out[1]).toMatchObject({
      code: 'card.removed',
      message: expect.stringMatching(/new challenge/),
    });
  });

  it('says a reset card no longer holds the challenge', async () => {
    const transport = access.transports.get('Virtual PCD 00 00')!;
    const result = await run([
      (printed) => {
        const response = rightResponse(printed);
        transport.remove();
        transport.insert();
        return response;
      },
      () => '24681357',
      () => '24681357',
    ]);
    // A fresh power-up has nothing selected: the challenge is gone with the session.
    expect(result.status).toBe(6);
    expect(result.out[1]).toMatchObject({
      code: 'challenge.expired',
      message: expect.stringMatching(/new challenge/),
    });
  });

  it('works interactively: shows the challenge grouped and read back, and asks again after a typo', async () => {
    const stdout = collector();
    const stderr = collector();
    const answers = [
      () => 'XYZ',
      (printed: string) => {
        const grouped = /\n {4}([0-9A-F]{4}(?: [0-9A-F]{4}){3})\n/.exec(printed)![1]!;
        return toHex(computeAdminResponse('3des', fromHex(KEY_HEX), fromHex(grouped.replace(/ /g, ''))));
      },
      () => '1111',
      () => '24681357',
      () => '24681357',
    ];
    const input = scriptedInput(answers, () => stdout.text());
    const status = await main(['offline'], { openCardAccess: () => access, input, stdout, stderr });
    expect(status).toBe(0);
    expect(stdout.text()).toMatch(/seven|zero|one|two|three|four|five|six|eight|nine|alfa|bravo/);
    expect(stdout.text()).toMatch(/not a hex digit.*Type it again/);
    expect(stdout.text()).toMatch(/one character repeated/);
    expect(stdout.text()).toMatch(/The PIN is unblocked/);
  });

  it('unblocks a PIV card Cardwarden issued with the PUK its response gives; picks the reader with --reader; a wrong response costs a PUK try', async () => {
    const serial = 12345678;
    const puk = pivPukFromResponse(
      computeAdminResponse('3des', fromHex(KEY_HEX), pivPukChallenge('3des', String(serial))),
    );
    const piv = new PivCard(
      newPivCardState({ serial, algorithm: '3des', managementKey: KEY_HEX, pin: '123456', puk }),
    );
    piv.blockPin();
    access = new SoftwareCardAccess({ 'Yubico YubiKey 00 00': piv, 'Virtual PCD 00 00': card });
    const ambiguous = await run([]);
    expect(ambiguous.out[0]).toMatchObject({ code: 'card.ambiguous' });
    expect(ambiguous.status).toBe(3);

    const wrong = await run([wrongResponse], ['offline', '--json', '--reader', 'yubikey']);
    expect(wrong.out[0]).toEqual({
      challenge: '50554B3132333435',
      pinRules: { minLength: 6, maxLength: 8, digitsOnly: false },
    });
    expect(wrong.out[1]).toMatchObject({ result: 'failed', code: 'response.wrong' });
    expect(piv.snapshot()).toMatchObject({ pukTriesLeft: 2, pinTriesLeft: 0 });

    const result = await run(
      [rightResponse, () => '97531864', () => '97531864'],
      ['offline', '--json', '--reader', 'yubikey'],
    );
    expect(result.out[1]).toEqual({ result: 'unblocked' });
    expect(result.status).toBe(0);
    expect(piv.snapshot()).toMatchObject({ pin: '97531864', pinTriesLeft: 3, puk, pukTriesLeft: 3 });
  });
});

describe('cardwarden-unlock puk and list', () => {
  it('unblocks a PIV PIN with the PUK, and counts a wrong PUK', async () => {
    const piv = new PivCard(
      newPivCardState({ algorithm: '3des', managementKey: KEY_HEX, pin: '123456', puk: '12345678' }),
    );
    piv.blockPin();
    const access = new SoftwareCardAccess({ 'Virtual PCD 00 00': piv });
    const run = async (lines: string[]) => {
      const stdout = collector();
      const input = scriptedInput(
        lines.map((l) => () => l),
        () => stdout.text(),
      );
      const status = await main(['puk', '--json'], {
        openCardAccess: () => access,
        input,
        stdout,
        stderr: collector(),
      });
      return { status, out: jsonLines(stdout.text()) };
    };
    expect(await run(['87654321', '802468', '802468'])).toEqual({
      status: 4,
      out: [expect.objectContaining({ code: 'puk.wrong', attemptsLeft: 2 })],
    });
    expect(await run(['12345678', '802468', '802468'])).toEqual({
      status: 0,
      out: [{ result: 'unblocked' }],
    });
    expect(piv.snapshot()).toMatchObject({ pin: '802468', pinTriesLeft: 3, pukTriesLeft: 3 });
  });

  it('lists readers, card types, serials and PIN states', async () => {
    const gids = new GidsCard(
      newGidsCardState({ serial: 'A1'.repeat(16), algorithm: '3des', adminKey: KEY_HEX, pin: '12345678' }),
    );
    gids.blockPin();
    const piv = new PivCard(
      newPivCardState({ algorithm: '3des', managementKey: KEY_HEX, pin: '123456', puk: '12345678' }),
    );
    const access = new SoftwareCardAccess({ 'Reader A': gids, 'Reader B': piv, 'Reader C': null });
    const stdout = collector();
    const status = await main(['list'], {
      openCardAccess: () => access,
      stdout,
      stderr: collector(),
      input: scriptedInput([], () => ''),
    });
    expect(status).toBe(0);
    expect(stdout.text()).toBe(
      `Reader A: GIDS card, serial ${'A1'.repeat(16)}, PIN blocked\nReader B: PIV card, serial 12345678, PIN 3 tries left\nReader C: no card\n`,
    );
  });
});
