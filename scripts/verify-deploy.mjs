#!/usr/bin/env node
// `npm run verify:deploy`: every offline check of the deployment kit (deploy/, .github/workflows,
// deploy scripts), one line per check: ok, FAIL with the reason, or skip naming what to install
// (a failure instead under LORE_TEST_REQUIRE_ALL=1). Exits 1 when any check failed.
import { verifyHelm } from './verify/helm.mjs';
import { verifyLint } from './verify/lint.mjs';
import { summary } from './verify/report.mjs';
import { verifyTerraform } from './verify/terraform.mjs';

const started = Date.now();
await verifyTerraform();
await verifyHelm();
verifyLint();

const { ok, failed, skipped } = summary();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`verify:deploy: ${ok} ok, ${failed} failed, ${skipped} skipped in ${seconds} s`);
process.exit(failed ? 1 : 0);
