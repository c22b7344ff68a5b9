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
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
