/**
 * Child process of {@link createEmbeddedDatabaseApart}: creates and migrates the embedded database in the
 * data directory given as its argument, closes it and exits. On failure it sends its parent what failed
 * (message, system error code, path), so the parent describes it as if it had failed itself.
 */
import { createPgliteClient } from './connect.js';
import type { ChildFailure } from './embedded-database-creation.js';

const dataDir = process.argv[2];

function describedFailure(error: unknown): ChildFailure {
  const field = (name: string): unknown =>
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  return {
    message: text(field('message')) ?? (typeof error === 'string' ? error : ''),
    name: text(field('name')),
    code: text(field('code')),
    errno: typeof field('errno') === 'number' ? (field('errno') as number) : undefined,
    path: text(field('path')),
  };
}

async function create(dir: string): Promise<void> {
  const { client } = await createPgliteClient(dir);
  await client.close();
}

if (dataDir === undefined) {
  process.stderr.write('usage: create-embedded-database DATA_DIR\n');
  process.exit(2);
} else {
  create(dataDir).then(
    () => process.exit(0),
    (error: unknown) => {
      const failure = describedFailure(error);
      if (process.send) process.send(failure, () => process.exit(1));
      else {
        process.stderr.write(`${failure.message}\n`);
        process.exit(1);
      }
    },
  );
}
