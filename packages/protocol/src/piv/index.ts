/**
 * `@cardwarden/protocol/piv`: the PIV card application (NIST SP 800-73-4) and the YubiKey extensions used to
 * issue it.
 *
 * @example
 * import { pivSelect, pivResetRetryCounter } from '@cardwarden/protocol/piv';
 */
export * from './piv-commands.js';
export * from './piv-data-objects.js';
export * from './piv-issuance.js';
