/**
 * Prints the plain closing line CI reads: `N passed, N failed[, N skipped]`.
 * A test file that fails to run at all counts as one failure.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failedSuites = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + failedSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
    // scripts/test-all.sh prints it again as the very last line, after jest's own summary
    if (process.env.OMNIGATE_SUMMARY_FILE) require('node:fs').writeFileSync(process.env.OMNIGATE_SUMMARY_FILE, `${line}\n`);
  }
}
module.exports = SummaryReporter;
