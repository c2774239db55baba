/**
 * `online --sso`: a fresh single sign-on of the cardholder before the unlock, where the profile asks for
 * one. The server hands out a sign-in URL; the tool opens it in the browser (or prints it to open by
 * hand), then polls until the sign-in is done and passes the proof to the start of the online unlock.
 */
import { spawn } from 'node:child_process';
import type { Reporter } from '../io/reporter.js';
import { UnlockFailure } from '../unlock-failure.js';
import type { OnlineUnlockClient } from './online-unlock-client.js';

/** Opens `url` in the desktop's browser without a shell; false when no opener could be started. */
export function openInBrowser(url: string): boolean {
  const [command, args]: [string, string[]] =
    process.platform === 'win32'
      ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export interface StepUpOptions {
  /** Opens the sign-in URL; by default the desktop's browser. */
  readonly open?: (url: string) => boolean;
  /** Milliseconds between polls; by default the server's interval. */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Waits for the cardholder's SSO sign-in in the browser; the step-up proof. */
export async function obtainStepUp(
  client: OnlineUnlockClient,
  reporter: Reporter,
  options: StepUpOptions = {},
): Promise<string> {
  const request = await client.requestStepUp();
  reporter.say(
    `Sign in with single sign-on in your browser. If it does not open, open this address:\n  ${request.signInUrl}`,
  );
  reporter.emit({ ssoSignInUrl: request.signInUrl });
  (options.open ?? openInBrowser)(request.signInUrl);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = new Date(request.expiresAt).getTime();
  while (Date.now() < deadline) {
    const answer = await client.pollStepUp(request.pollToken);
    if (answer.status === 'done' && answer.stepUp) {
      reporter.say('Single sign-on confirmed.');
      return answer.stepUp.proof;
    }
    await sleep(options.pollMs ?? request.intervalSeconds * 1000);
  }
  throw new UnlockFailure(
    'sso.timeout',
    'you did not sign in with single sign-on in time; run the unlock again with --sso',
  );
}
