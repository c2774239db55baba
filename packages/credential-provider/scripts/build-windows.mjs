// Builds the Windows credential provider with Debian's mingw-w64 and wixl:
//   dist/cardwarden-cp.dll (x64, static runtime), dist/cardwarden-credential-provider.msi, dist/policy/*.admx|adml
// With --test also the test-only parts under build/: harness.exe and the vpcd winscard.dll (Wine), and the
// portable core's native unit test (g++). Signing is a separate step (osslsigncode; see
// docs/windows-credential-provider.md). Rebuilds only what is older than its sources.
// Not part of `npm run build`: only `npm run build:windows` (root) needs mingw-w64 and wixl.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const build = join(root, 'build');
const withTests = process.argv.includes('--test');

const files = (dir, ext) =>
  readdirSync(join(root, dir))
    .filter((f) => ext.some((e) => f.endsWith(e)))
    .map((f) => join(root, dir, f));
const core = files('src/core', ['.cpp']);
const coreAll = files('src/core', ['.cpp', '.hpp']);
const win = files('src/win', ['.cpp']);
const winAll = files('src/win', ['.cpp', '.hpp', '.def']);

function stale(output, inputs) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => statSync(input).mtimeMs > built);
}

function run(command, args) {
  try {
    execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = /** @type {{ stdout?: Buffer, stderr?: Buffer, message: string }} */ (error);
    throw new Error(
      `${command} failed:\n${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}${e.message}`,
      { cause: error },
    );
  }
}

/** Builds to a temporary name, then renames, so a parallel reader never sees half a file. */
function make(output, inputs, command, args) {
  if (!stale(output, inputs)) return;
  mkdirSync(dirname(output), { recursive: true });
  const partial = `${output}.partial-${process.pid}`;
  run(
    command,
    args.map((a) => (a === '$OUT' ? partial : a)),
  );
  renameSync(partial, output);
}

const CXX = 'x86_64-w64-mingw32-g++';
const WINDOWS_FLAGS = [
  '-std=c++17',
  '-O2',
  '-Wall',
  '-Wextra',
  '-DUNICODE',
  '-D_UNICODE',
  '-static',
  '-static-libgcc',
  '-static-libstdc++',
];

const dll = join(dist, 'cardwarden-cp.dll');
make(dll, [...coreAll, ...winAll], CXX, [
  ...WINDOWS_FLAGS,
  '-shared',
  '-s',
  '-o',
  '$OUT',
  ...core,
  ...win,
  join(root, 'src/win/cardwarden-cp.def'),
  '-lole32',
  '-lwinhttp',
  '-lwinscard',
  '-luser32',
  '-luuid',
]);

const msi = join(dist, 'cardwarden-credential-provider.msi');
const wxs = join(root, 'installer/cardwarden-credential-provider.wxs');
if (stale(msi, [dll, wxs])) {
  // wixl finds File/@Source relative to the current directory: run it in dist.
  const partial = `${msi}.partial-${process.pid}`;
  execFileSync('wixl', ['-a', 'x64', '-o', partial, wxs], { cwd: dist, stdio: ['ignore', 'pipe', 'pipe'] });
  renameSync(partial, msi);
}
mkdirSync(join(dist, 'policy/en-US'), { recursive: true });
copyFileSync(join(root, 'policy/Cardwarden.admx'), join(dist, 'policy/Cardwarden.admx'));
copyFileSync(join(root, 'policy/en-US/Cardwarden.adml'), join(dist, 'policy/en-US/Cardwarden.adml'));

if (withTests) {
  make(
    join(build, 'wine/harness.exe'),
    [join(root, 'test/harness/harness.cpp'), join(root, 'src/win/credential_provider_abi.hpp')],
    CXX,
    [...WINDOWS_FLAGS, '-o', '$OUT', join(root, 'test/harness/harness.cpp'), '-lole32', '-luuid'],
  );
  make(join(build, 'wine/winscard.dll'), files('test/winscard-vpcd', ['.cpp', '.def']), CXX, [
    ...WINDOWS_FLAGS,
    '-shared',
    '-o',
    '$OUT',
    join(root, 'test/winscard-vpcd/winscard.cpp'),
    join(root, 'test/winscard-vpcd/winscard.def'),
    '-lws2_32',
  ]);
  copyFileSync(dll, join(build, 'wine/cardwarden-cp.dll'));
  make(join(build, 'native/core-test'), [...coreAll, join(root, 'test/native/core_test.cpp')], 'g++', [
    '-std=c++17',
    '-O1',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-o',
    '$OUT',
    ...core,
    join(root, 'test/native/core_test.cpp'),
  ]);
}
console.log(`built ${dll}\nbuilt ${msi}${withTests ? `\nbuilt test parts in ${build}` : ''}`);
