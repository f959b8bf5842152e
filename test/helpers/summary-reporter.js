// Prints the plain closing line CI reads ("jest: N passed, N failed"), after jest's own summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    // npm test (scripts/test.ts) runs jest twice and prints one line for both.
    if (process.env.JEST_SUMMARY === 'off') return
    const skipped = results.numPendingTests + results.numTodoTests
    console.log(`jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`)
  }
}
module.exports = SummaryReporter
