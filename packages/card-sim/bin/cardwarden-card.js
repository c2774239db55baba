#!/usr/bin/env node
// Committed shim: npm links bins before `prepare` builds dist/, so the bin cannot point into dist/ itself.
import { main } from '../dist/cli.js';

const status = main(process.argv.slice(2));
if (status !== undefined) process.exitCode = status;
