#!/usr/bin/env node
// Shim for `npx dynamodb-operator`: Node 24 runs the TypeScript entry point directly (type stripping).
import '../src/main.ts';
