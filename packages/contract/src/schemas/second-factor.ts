import { z } from 'zod';
import { Timestamp } from './common.js';

/** A code from an authenticator app: 6 digits (spaces allowed, as apps show them in groups). */
export const TotpCode = z
  .string()
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'the code is the 6 digits your authenticator app shows'));

/** A recovery code as printed (`xxxx-xxxx-xxxx-xxxx`); case, spaces and dashes do not matter. */
export const RecoveryCode = z
  .string()
  .max(64)
  .transform((code) => code.replace(/[\s-]+/g, '').toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^[a-z2-7]{16}$/, 'a recovery code is 16 letters and digits, as printed when you enrolled'),
  );

export const TotpCodeBody = z.object({ code: TotpCode });
export type TotpCodeBody = z.input<typeof TotpCodeBody>;

export const RecoveryCodeBody = z.object({ code: RecoveryCode });
export type RecoveryCodeBody = z.input<typeof RecoveryCodeBody>;

export const Passkey = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export type Passkey = z.infer<typeof Passkey>;

/** What second factors the signed-in operator has. */
export const SecondFactorStatus = z.object({
  totp: z.boolean().describe('a confirmed authenticator app'),
  passkeys: z.array(Passkey),
  recoveryCodesLeft: z.number().int(),
  required: z.boolean().describe('the policy requires a second factor for this role'),
});
export type SecondFactorStatus = z.infer<typeof SecondFactorStatus>;

export const TotpEnrolment = z.object({
  secret: z.string().describe('base32; shown once, to type into an app that cannot scan the QR code'),
  otpauthUri: z.string().describe('otpauth://totp/… for a QR code'),
});
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

/**
 * The answer to a completed enrolment: the recovery codes when new ones were made (shown once), and
 * a full session when the enrolment finished a sign-in that required it.
 */
export const EnrolmentResult = z.object({
  recoveryCodes: z.array(z.string()).optional(),
  session: z.object({ token: z.string(), expiresAt: z.string(), mustChangePassword: z.boolean() }).optional(),
});
export type EnrolmentResult = z.infer<typeof EnrolmentResult>;

export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

/**
 * WebAuthn options and responses, in the JSON form of the WebAuthn Level 3 spec (what
 * @simplewebauthn/browser takes and returns). Checked in depth by the verifier, so only their shape here.
 */
export const WebAuthnOptions = z.record(z.string(), z.unknown());
export type WebAuthnOptions = z.infer<typeof WebAuthnOptions>;

const base64url = z
  .string()
  .max(8192)
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url expected');

export const WebAuthnRegistrationBody = z.object({
  label: z.string().trim().min(1).max(100).optional(),
  response: z.object({
    id: base64url,
    rawId: base64url,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url,
      attestationObject: base64url,
      transports: z.array(z.string().max(32)).max(10).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(32).optional(),
  }),
});
export type WebAuthnRegistrationBody = z.input<typeof WebAuthnRegistrationBody>;

export const WebAuthnAssertionBody = z.object({
  response: z.object({
    id: base64url,
    rawId: base64url,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url,
      authenticatorData: base64url,
      signature: base64url,
      userHandle: base64url.optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(32).optional(),
  }),
});
export type WebAuthnAssertionBody = z.input<typeof WebAuthnAssertionBody>;

export const ResetSecondFactorBody = z.object({
  reason: z.string().trim().min(3, 'say why (it goes to the audit log)').max(500),
});
export type ResetSecondFactorBody = z.infer<typeof ResetSecondFactorBody>;

/** Who has which second factor (admin console). */
export const OperatorSecondFactors = z.object({
  items: z.array(
    z.object({
      operatorId: z.string(),
      username: z.string(),
      totp: z.boolean(),
      passkeys: z.number().int(),
      recoveryCodesLeft: z.number().int(),
      required: z.boolean(),
    }),
  ),
});
export type OperatorSecondFactors = z.infer<typeof OperatorSecondFactors>;
