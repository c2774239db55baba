// Generated from the route table by `npm run generate:routes`: do not edit.
// The routes without their zod schemas, for the web portals; `Endpoint` carries their types.
import type { Endpoint } from './route.js';
export { pathTo, relativePathTo, withQuery } from './route.js';
export type * from './route.js';
import type { health } from './health.js';
import type { auth } from './auth.js';
import type { secondFactor } from './second-factor.js';
import type { sso } from './sso.js';
import type { operators } from './operators.js';
import type { users } from './users.js';
import type { profiles } from './profiles.js';
import type { masters } from './masters.js';
import type { cards } from './cards.js';
import type { adminKeys } from './admin-keys.js';
import type { issuances } from './issuances.js';
import type { imports } from './imports.js';
import type { directory } from './directory.js';
import type { offlineUnblocks } from './offline-unblocks.js';
import type { audit } from './audit.js';
import type { selfService } from './self-service.js';
import type { securityQuestions } from './security-questions.js';
import type { onlineUnlock } from './online-unlock.js';
import type { settings } from './settings.js';

export const endpoints = {
  health: {
    alive: { method: 'GET', path: '/healthz' } as Endpoint<(typeof health)['alive']>,
    ready: { method: 'GET', path: '/readyz' } as Endpoint<(typeof health)['ready']>,
  },
  auth: {
    login: { method: 'POST', path: '/api/v1/auth/login' } as Endpoint<(typeof auth)['login']>,
    logout: { method: 'POST', path: '/api/v1/auth/logout' } as Endpoint<(typeof auth)['logout']>,
    me: { method: 'GET', path: '/api/v1/auth/me' } as Endpoint<(typeof auth)['me']>,
    changePassword: { method: 'POST', path: '/api/v1/auth/password' } as Endpoint<
      (typeof auth)['changePassword']
    >,
  },
  secondFactor: {
    status: { method: 'GET', path: '/api/v1/auth/second-factor' } as Endpoint<
      (typeof secondFactor)['status']
    >,
    verifyTotp: { method: 'POST', path: '/api/v1/auth/second-factor/totp' } as Endpoint<
      (typeof secondFactor)['verifyTotp']
    >,
    useRecoveryCode: { method: 'POST', path: '/api/v1/auth/second-factor/recovery-code' } as Endpoint<
      (typeof secondFactor)['useRecoveryCode']
    >,
    webauthnOptions: { method: 'POST', path: '/api/v1/auth/second-factor/webauthn/options' } as Endpoint<
      (typeof secondFactor)['webauthnOptions']
    >,
    verifyWebauthn: { method: 'POST', path: '/api/v1/auth/second-factor/webauthn' } as Endpoint<
      (typeof secondFactor)['verifyWebauthn']
    >,
    startTotpEnrolment: { method: 'POST', path: '/api/v1/auth/second-factor/totp/enrolment' } as Endpoint<
      (typeof secondFactor)['startTotpEnrolment']
    >,
    confirmTotpEnrolment: {
      method: 'POST',
      path: '/api/v1/auth/second-factor/totp/confirmation',
    } as Endpoint<(typeof secondFactor)['confirmTotpEnrolment']>,
    removeTotp: { method: 'DELETE', path: '/api/v1/auth/second-factor/totp' } as Endpoint<
      (typeof secondFactor)['removeTotp']
    >,
    registrationOptions: {
      method: 'POST',
      path: '/api/v1/auth/second-factor/webauthn/registration-options',
    } as Endpoint<(typeof secondFactor)['registrationOptions']>,
    registerPasskey: { method: 'POST', path: '/api/v1/auth/second-factor/webauthn/registration' } as Endpoint<
      (typeof secondFactor)['registerPasskey']
    >,
    removePasskey: { method: 'DELETE', path: '/api/v1/auth/second-factor/passkeys/:id' } as Endpoint<
      (typeof secondFactor)['removePasskey']
    >,
    newRecoveryCodes: { method: 'POST', path: '/api/v1/auth/second-factor/recovery-codes' } as Endpoint<
      (typeof secondFactor)['newRecoveryCodes']
    >,
    listOperators: { method: 'GET', path: '/api/v1/second-factors' } as Endpoint<
      (typeof secondFactor)['listOperators']
    >,
    resetOperator: { method: 'POST', path: '/api/v1/operators/:id/second-factor-reset' } as Endpoint<
      (typeof secondFactor)['resetOperator']
    >,
  },
  sso: {
    status: { method: 'GET', path: '/api/v1/auth/sso' } as Endpoint<(typeof sso)['status']>,
    settings: { method: 'GET', path: '/api/v1/auth/sso/settings' } as Endpoint<(typeof sso)['settings']>,
    start: { method: 'GET', path: '/api/v1/auth/sso/start' } as Endpoint<(typeof sso)['start']>,
    callback: { method: 'GET', path: '/api/v1/auth/sso/callback' } as Endpoint<(typeof sso)['callback']>,
    exchange: { method: 'POST', path: '/api/v1/auth/sso/exchange' } as Endpoint<(typeof sso)['exchange']>,
    logout: { method: 'POST', path: '/api/v1/auth/sso/logout' } as Endpoint<(typeof sso)['logout']>,
    requestDevice: { method: 'POST', path: '/api/v1/auth/sso/device' } as Endpoint<
      (typeof sso)['requestDevice']
    >,
    pollDevice: { method: 'POST', path: '/api/v1/auth/sso/device/poll' } as Endpoint<
      (typeof sso)['pollDevice']
    >,
  },
  operators: {
    create: { method: 'POST', path: '/api/v1/operators' } as Endpoint<(typeof operators)['create']>,
    list: { method: 'GET', path: '/api/v1/operators' } as Endpoint<(typeof operators)['list']>,
    update: { method: 'PATCH', path: '/api/v1/operators/:id' } as Endpoint<(typeof operators)['update']>,
    resetPassword: { method: 'POST', path: '/api/v1/operators/:id/password-reset' } as Endpoint<
      (typeof operators)['resetPassword']
    >,
  },
  users: {
    create: { method: 'POST', path: '/api/v1/users' } as Endpoint<(typeof users)['create']>,
    list: { method: 'GET', path: '/api/v1/users' } as Endpoint<(typeof users)['list']>,
    get: { method: 'GET', path: '/api/v1/users/:id' } as Endpoint<(typeof users)['get']>,
    update: { method: 'PATCH', path: '/api/v1/users/:id' } as Endpoint<(typeof users)['update']>,
    setPassword: { method: 'PUT', path: '/api/v1/users/:id/password' } as Endpoint<
      (typeof users)['setPassword']
    >,
    removePassword: { method: 'DELETE', path: '/api/v1/users/:id/password' } as Endpoint<
      (typeof users)['removePassword']
    >,
  },
  profiles: {
    create: { method: 'POST', path: '/api/v1/profiles' } as Endpoint<(typeof profiles)['create']>,
    list: { method: 'GET', path: '/api/v1/profiles' } as Endpoint<(typeof profiles)['list']>,
    get: { method: 'GET', path: '/api/v1/profiles/:id' } as Endpoint<(typeof profiles)['get']>,
    update: { method: 'PATCH', path: '/api/v1/profiles/:id' } as Endpoint<(typeof profiles)['update']>,
  },
  masters: {
    list: { method: 'GET', path: '/api/v1/profiles/:id/masters' } as Endpoint<(typeof masters)['list']>,
    create: { method: 'POST', path: '/api/v1/profiles/:id/masters' } as Endpoint<(typeof masters)['create']>,
  },
  cards: {
    create: { method: 'POST', path: '/api/v1/cards' } as Endpoint<(typeof cards)['create']>,
    list: { method: 'GET', path: '/api/v1/cards' } as Endpoint<(typeof cards)['list']>,
    get: { method: 'GET', path: '/api/v1/cards/:id' } as Endpoint<(typeof cards)['get']>,
    update: { method: 'PATCH', path: '/api/v1/cards/:id' } as Endpoint<(typeof cards)['update']>,
    resetAdminKeyAttempts: { method: 'POST', path: '/api/v1/cards/:id/admin-key/reset-attempts' } as Endpoint<
      (typeof cards)['resetAdminKeyAttempts']
    >,
    replaceAdminKey: { method: 'PUT', path: '/api/v1/cards/:id/admin-key' } as Endpoint<
      (typeof cards)['replaceAdminKey']
    >,
    exportCsv: { method: 'GET', path: '/api/v1/cards/export.csv' } as Endpoint<(typeof cards)['exportCsv']>,
  },
  adminKeys: {
    checkValue: { method: 'POST', path: '/api/v1/admin-keys/check-value' } as Endpoint<
      (typeof adminKeys)['checkValue']
    >,
  },
  issuances: {
    start: { method: 'POST', path: '/api/v1/issuances' } as Endpoint<(typeof issuances)['start']>,
    authenticate: { method: 'POST', path: '/api/v1/issuances/:id/authenticate' } as Endpoint<
      (typeof issuances)['authenticate']
    >,
    proof: { method: 'POST', path: '/api/v1/issuances/:id/proof' } as Endpoint<(typeof issuances)['proof']>,
    keyWritten: { method: 'POST', path: '/api/v1/issuances/:id/key-written' } as Endpoint<
      (typeof issuances)['keyWritten']
    >,
    finish: { method: 'POST', path: '/api/v1/issuances/:id/finish' } as Endpoint<
      (typeof issuances)['finish']
    >,
  },
  imports: {
    progress: { method: 'GET', path: '/api/v1/imports/progress' } as Endpoint<(typeof imports)['progress']>,
    run: { method: 'POST', path: '/api/v1/imports' } as Endpoint<(typeof imports)['run']>,
  },
  directory: {
    sync: { method: 'POST', path: '/api/v1/directory/sync' } as Endpoint<(typeof directory)['sync']>,
    status: { method: 'GET', path: '/api/v1/directory' } as Endpoint<(typeof directory)['status']>,
    test: { method: 'POST', path: '/api/v1/directory/test' } as Endpoint<(typeof directory)['test']>,
  },
  offlineUnblocks: {
    start: { method: 'POST', path: '/api/v1/cards/:id/offline-unblocks' } as Endpoint<
      (typeof offlineUnblocks)['start']
    >,
    list: { method: 'GET', path: '/api/v1/offline-unblocks' } as Endpoint<(typeof offlineUnblocks)['list']>,
    get: { method: 'GET', path: '/api/v1/offline-unblocks/:id' } as Endpoint<(typeof offlineUnblocks)['get']>,
    approve: { method: 'POST', path: '/api/v1/offline-unblocks/:id/approve' } as Endpoint<
      (typeof offlineUnblocks)['approve']
    >,
    response: { method: 'POST', path: '/api/v1/offline-unblocks/:id/response' } as Endpoint<
      (typeof offlineUnblocks)['response']
    >,
    identity: { method: 'POST', path: '/api/v1/offline-unblocks/:id/identity' } as Endpoint<
      (typeof offlineUnblocks)['identity']
    >,
    outcome: { method: 'POST', path: '/api/v1/offline-unblocks/:id/outcome' } as Endpoint<
      (typeof offlineUnblocks)['outcome']
    >,
    cancel: { method: 'POST', path: '/api/v1/offline-unblocks/:id/cancel' } as Endpoint<
      (typeof offlineUnblocks)['cancel']
    >,
  },
  audit: {
    list: { method: 'GET', path: '/api/v1/audit' } as Endpoint<(typeof audit)['list']>,
    exportCsv: { method: 'GET', path: '/api/v1/audit/export.csv' } as Endpoint<(typeof audit)['exportCsv']>,
  },
  selfService: {
    login: { method: 'POST', path: '/api/v1/self-service/login' } as Endpoint<(typeof selfService)['login']>,
    me: { method: 'GET', path: '/api/v1/self-service/me' } as Endpoint<(typeof selfService)['me']>,
    changePassword: { method: 'POST', path: '/api/v1/self-service/password' } as Endpoint<
      (typeof selfService)['changePassword']
    >,
    cards: { method: 'GET', path: '/api/v1/self-service/cards' } as Endpoint<(typeof selfService)['cards']>,
    offlineUnblock: { method: 'POST', path: '/api/v1/self-service/cards/:id/offline-unblock' } as Endpoint<
      (typeof selfService)['offlineUnblock']
    >,
    outcome: { method: 'POST', path: '/api/v1/self-service/offline-unblocks/:id/outcome' } as Endpoint<
      (typeof selfService)['outcome']
    >,
  },
  securityQuestions: {
    create: { method: 'POST', path: '/api/v1/security-questions' } as Endpoint<
      (typeof securityQuestions)['create']
    >,
    list: { method: 'GET', path: '/api/v1/security-questions' } as Endpoint<
      (typeof securityQuestions)['list']
    >,
    update: { method: 'PATCH', path: '/api/v1/security-questions/:id' } as Endpoint<
      (typeof securityQuestions)['update']
    >,
    updateSettings: { method: 'PUT', path: '/api/v1/security-questions/settings' } as Endpoint<
      (typeof securityQuestions)['updateSettings']
    >,
    clearLockout: { method: 'DELETE', path: '/api/v1/users/:id/security-lockout' } as Endpoint<
      (typeof securityQuestions)['clearLockout']
    >,
    myAnswers: { method: 'GET', path: '/api/v1/self-service/security-answers' } as Endpoint<
      (typeof securityQuestions)['myAnswers']
    >,
    setMyAnswers: { method: 'PUT', path: '/api/v1/self-service/security-answers' } as Endpoint<
      (typeof securityQuestions)['setMyAnswers']
    >,
  },
  onlineUnlock: {
    pinPolicy: { method: 'GET', path: '/api/v1/online-unlock/pin-policy' } as Endpoint<
      (typeof onlineUnlock)['pinPolicy']
    >,
    start: { method: 'POST', path: '/api/v1/online-unlock/sessions' } as Endpoint<
      (typeof onlineUnlock)['start']
    >,
    response: { method: 'POST', path: '/api/v1/online-unlock/sessions/:id/response' } as Endpoint<
      (typeof onlineUnlock)['response']
    >,
    mutualAuth: { method: 'POST', path: '/api/v1/online-unlock/sessions/:id/mutual-auth' } as Endpoint<
      (typeof onlineUnlock)['mutualAuth']
    >,
    confirmMutualAuth: {
      method: 'POST',
      path: '/api/v1/online-unlock/sessions/:id/mutual-auth/confirm',
    } as Endpoint<(typeof onlineUnlock)['confirmMutualAuth']>,
    outcome: { method: 'POST', path: '/api/v1/online-unlock/sessions/:id/outcome' } as Endpoint<
      (typeof onlineUnlock)['outcome']
    >,
  },
  settings: {
    get: { method: 'GET', path: '/api/v1/settings' } as Endpoint<(typeof settings)['get']>,
    update: { method: 'PATCH', path: '/api/v1/settings' } as Endpoint<(typeof settings)['update']>,
  },
};
