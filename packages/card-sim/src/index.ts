/** Software smart cards (GIDS, PIV) and the transports that carry APDUs to them. */
export * from './software-card.js';
export * from './atr.js';
export * from './gids/gids-card.js';
export * from './gids/gids-card-state.js';
export * from './piv/piv-card.js';
export * from './piv/piv-card-state.js';
export * from './memory-transport.js';
export * from './vpcd/vpcd-framing.js';
export * from './vpcd/vpcd-card-connection.js';
export * from './state-file.js';
export * from './private-pcscd.js';
export * from './t0-responses.js';
