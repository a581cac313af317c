// Mocha's spec reporter, plus the run's totals written as JSON to $DDBOP_TOTALS_FILE (when set) so
// that test/run-all.ts can print one `N passed, N failed` line for every suite together.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class TotalsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.DDBOP_TOTALS_FILE;
      if (!file) return;
      const { passes, failures, pending } = runner.stats ?? this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
    });
  }
}
module.exports = TotalsReporter;
