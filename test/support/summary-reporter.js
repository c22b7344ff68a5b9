const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { scanLogs } = require('./log-scan');

/**
 * Prints the plain closing line CI reads: `N passed, N failed[, N skipped]`.
 * A test file that fails to run at all counts as one failure.
 *
 * It also owns the run's log scan: it makes the capture directory before any test starts
 * (workers inherit OMNIGATE_TEST_LOG_DIR; test/support/log-capture.ts writes there), and
 * when the run ends scans every captured line for every test secret. The scan counts as
 * one test in the closing line; a leak fails the run (exit code 1) naming the secret, the
 * file and the line, and the capture is kept for inspection; a clean one is deleted.
 */
class SummaryReporter {
  constructor() {
    this.ownsCapture = !process.env.OMNIGATE_TEST_LOG_DIR;
    if (this.ownsCapture) process.env.OMNIGATE_TEST_LOG_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-logscan-'));
    this.captureDir = process.env.OMNIGATE_TEST_LOG_DIR;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const scan = this.scan();
    const failedSuites = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const passed = results.numPassedTests + (scan.ok ? 1 : 0);
    const failed = results.numFailedTests + failedSuites + (scan.ok ? 0 : 1);
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${scan.report}\n${line}\n`);
    // scripts/test-all.sh prints it again as the very last line, after jest's own summary
    if (process.env.OMNIGATE_SUMMARY_FILE) fs.writeFileSync(process.env.OMNIGATE_SUMMARY_FILE, `${line}\n`);
  }

  /** Jest fails the run (exit code 1) when a reporter has an error. */
  getLastError() {
    return this.error;
  }

  scan() {
    let result;
    try {
      result = scanLogs(this.captureDir);
    } catch (err) {
      this.error = err;
      return { ok: false, report: `✕ log scan could not run: ${err.message}` };
    }
    const size = `${result.lines} lines, ${(result.bytes / 1048576).toFixed(1)} MB in ${result.files} files`;
    if (result.leakCount === 0) {
      if (this.ownsCapture) fs.rmSync(this.captureDir, { recursive: true, force: true });
      return { ok: true, report: `✓ log scan: no test secret in the logs of this run (${size})` };
    }
    const where = result.leaks.map((l) => `    ${l.secret} (${l.hint}) in ${l.file}:${l.line}`).join('\n');
    const more = result.leakCount > result.leaks.length ? `\n    … and ${result.leakCount - result.leaks.length} more` : '';
    this.error = new Error(`log scan: ${result.leakCount} log line(s) hold a test secret`);
    return { ok: false, report: `✕ log scan: ${result.leakCount} log line(s) hold a test secret (${size}; capture kept in ${this.captureDir}):\n${where}${more}` };
  }
}
module.exports = SummaryReporter;
