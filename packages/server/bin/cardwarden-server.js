#!/usr/bin/env node
// Runs the built server CLI (npm ci builds it).
import('../dist/cli.js').catch((error) => {
  process.stderr.write(`cardwarden-server: not built yet? run "npm run build" (${error.message})\n`);
  process.exit(1);
});
