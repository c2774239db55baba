/**
 * Creating the embedded database in a child process. PGlite's initdb grows the WebAssembly memory of the
 * process that runs it (about 160 MB more than opening an existing database), and WebAssembly memory is
 * never given back; a child that creates the database and exits takes that memory with it.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What the child sends when it fails: enough for `reasonOf` to name a full disk or a denied file. */
export interface ChildFailure {
  readonly message: string;
  readonly name: string | undefined;
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly path: string | undefined;
}

const CHILD = new URL('./create-embedded-database.js', import.meta.url);

/** Creates and migrates the embedded database under `dataDir/pglite` in a child process. */
export async function createEmbeddedDatabaseApart(dataDir: string): Promise<void> {
  // From the TypeScript sources (tests), the child runs the .ts file through tsx.
  const fromSource = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(
    fromSource ? new URL('./create-embedded-database.ts', import.meta.url) : CHILD,
  );
  const child = fork(script, [dataDir], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: fromSource ? ['--conditions=cardwarden-source', '--import', 'tsx'] : [],
  });
  let failure: ChildFailure | undefined;
  child.on('message', (message) => {
    failure = message as ChildFailure;
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      resolve(exitCode);
    });
  });
  if (code !== 0) {
    if (failure) {
      const { message, ...details } = failure;
      throw Object.assign(new Error(message || 'creating the embedded database failed'), details);
    }
    const reason = stderr.trim().split('\n').at(-1) ?? '';
    throw new Error(reason || `the process creating it stopped (exit status ${String(code)})`);
  }
}
