import { fromHex } from '@cardwarden/protocol/hex';
import { CardRemovedError, parseResponseApdu } from '@cardwarden/protocol/apdu';
import { gidsSelect } from '@cardwarden/protocol/gids';
import { describe, expect, it } from 'vitest';
import { GidsCard } from './gids/gids-card.js';
import { newGidsCardState } from './gids/gids-card-state.js';
import { SoftwareCardTransport } from './memory-transport.js';

describe('SoftwareCardTransport', () => {
  it('carries APDUs, and fails like PC/SC while the card is out', async () => {
    const state = newGidsCardState({
      serial: '00'.repeat(16),
      algorithm: '3des',
      adminKey: '00'.repeat(24),
      pin: '1234',
    });
    const transport = new SoftwareCardTransport(new GidsCard(state));
    expect(parseResponseApdu(await transport.transmit(gidsSelect())).sw).toBe(0x9000);
    transport.remove();
    await expect(transport.transmit(fromHex('00200080'))).rejects.toBeInstanceOf(CardRemovedError);
    transport.insert();
    // Freshly powered: nothing selected.
    expect(parseResponseApdu(await transport.transmit(fromHex('00200080'))).sw).toBe(0x6d00);
  });
});
