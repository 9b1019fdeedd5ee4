#!/usr/bin/env node
// The `argosy` command runs the TypeScript sources through tsx, so a clone works without a build
// step; `npm run build` produces a bundled CLI in dist/ for installs that want one.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
