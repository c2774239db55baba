#!/usr/bin/env node
/** Entry point of `npm run import` (see import-cli.ts). */
import { runImportCli } from './import-cli.js';

process.exitCode = await runImportCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
