// `npm test`: lint, typecheck, then every test suite whose system parts are present. Names each skipped
// suite with the apt-get line it needs. With CARDWARDEN_REQUIRE_ALL_PARTS=1 (as in .ci/run), any skip fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { SYSTEM_PARTS, presentParts } from './system-parts.mjs';

const present = presentParts();
const env = { ...process.env, CARDWARDEN_TEST_PARTS: present.join(',') };
const requireAll = process.env.CARDWARDEN_REQUIRE_ALL_PARTS === '1';

// Every stage runs even when an earlier one fails, so one run shows every problem; the exit status
// is a failure when any stage failed.
const failedStages = [];
function run(label, command, args) {
  console.log(`\n== ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n${label} failed.`);
    failedStages.push(label);
  }
}

if (!process.argv.includes('--only-tests')) {
  run('lint', 'npx', ['eslint', '.']);
  run('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
  run('typecheck', 'npm', ['run', 'typecheck', '--silent']);
}

mkdirSync('.test-results', { recursive: true });
const report = '.test-results/vitest.json';
console.log('\n== tests');
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2).filter((a) => a !== '--only-tests'),
  ],
  { stdio: 'inherit', env },
);

let results;
try {
  results = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error('The test run wrote no report; see the output above.');
  process.exit(vitest.status || 1);
}

// Suites that need a missing part are named "… [needs <part>]" and skipped (see @cardwarden/integration-tests/system-parts).
const skippedSuites = new Map();
for (const file of results.testResults) {
  for (const test of file.assertionResults) {
    if (test.status !== 'skipped' && test.status !== 'pending') continue;
    for (const title of test.ancestorTitles) {
      const match = /\[needs ([\w -]+)\]/.exec(title);
      if (match?.[1]) skippedSuites.set(title, match[1].split(' '));
    }
  }
}
if (skippedSuites.size > 0) {
  console.log('\nSkipped suites (their system parts are missing here):');
  for (const [suite, partIds] of skippedSuites) {
    console.log(`- ${suite}`);
    for (const partId of partIds) {
      const part = SYSTEM_PARTS.find((p) => p.id === partId);
      console.log(`    needs ${part?.what ?? partId}: ${part?.install ?? '(unknown part)'}`);
    }
  }
}

const passed = results.numPassedTests;
// A test file that fails before any of its tests runs (an import error) counts as one failure.
const brokenFiles = results.testResults.filter(
  (file) => file.status === 'failed' && file.assertionResults.length === 0,
);
const failed = results.numFailedTests + brokenFiles.length;
const skipped = results.numPendingTests + (results.numTodoTests ?? 0);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failedStages.length > 0) {
  console.error(`Failed before the tests: ${failedStages.join(', ')}.`);
  process.exit(1);
}
if (vitest.status !== 0 || failed > 0) process.exit(1);
if (requireAll && skippedSuites.size > 0) {
  console.error('CARDWARDEN_REQUIRE_ALL_PARTS=1 and suites were skipped: install the parts named above.');
  process.exit(1);
}
