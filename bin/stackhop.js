#!/usr/bin/env node
// Installed entry point: the compiled CLI (npm run build). During development use `npm run stackhop --`.
await import('../dist/cli/run.js');
