// The closing lines of `npm test` (test.sh): "N passed, N failed, N skipped" from every tier's
// Jest JSON report, and before it each failed test with the start of its failure message.
//
// Why the failures again, at the very end: a tier's output runs to thousands of lines, and
// what a CI system keeps of a red run is often only its tail. A failure whose reason scrolled
// away with the rest cannot be fixed without running the whole suite again to see it.
'use strict';
const fs = require('fs');
const path = require('path');

/** Lines of each failure message kept: the error and the first frames or the explanation. */
const MESSAGE_LINES = 25;
/** ANSI colour codes Jest writes into failure messages. */
const ANSI = /\u001b\[[0-9;]*m/g;

const dir = process.env.JEST_JSON_DIR;
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of fs.readdirSync(dir).sort()) {
  const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const suite of report.testResults) {
    const where = path.relative(process.cwd(), suite.name);
    const failedTests = suite.assertionResults.filter((test) => test.status === 'failed');
    for (const test of failedTests)
      failures.push({ where: `${where} › ${test.fullName}`, messages: test.failureMessages });
    // A suite that failed outside any test (a beforeAll/afterAll, a compile error) has its
    // reason in the suite's own message.
    if (suite.status === 'failed' && failedTests.length === 0)
      failures.push({ where, messages: [suite.message] });
  }
}
for (const { where, messages } of failures) {
  console.log(`\n[FAILED] ${where}`);
  for (const message of messages) {
    const lines = String(message ?? '')
      .replace(ANSI, '')
      .split('\n');
    const kept = lines.slice(0, MESSAGE_LINES);
    console.log(kept.map((line) => `  ${line}`).join('\n'));
    if (lines.length > kept.length) console.log(`  … ${lines.length - kept.length} more lines`);
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
