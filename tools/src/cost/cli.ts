/**
 * `npm run cost [-- --stage <name>]...`  (default: every checked stage profile)
 *
 * Every billable resource of each stage, read from `.synth/<stage>/*.json` (run `npm run synth`
 * first; `npm test` does) and priced from the dated price table (`prices.ts`): fixed and usage
 * lines, totals per service and stage side by side, what NAT would cost instead of the endpoints,
 * the assumptions and where every price comes from.
 */
import { costReport } from './report';
import { stageReportCommand, stagesToReport } from './stage-arguments';

const stages = stagesToReport(
  stageReportCommand(
    'npm run cost',
    'cost',
    'What each stage costs a month, priced from its synthesized templates (.synth/<stage>/; run npm run synth first).',
  ),
);
try {
  console.log(costReport(stages));
} catch (error) {
  console.error(`cost: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
