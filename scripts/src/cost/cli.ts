/**
 * `npm run cost [-- --stage <name>]...`  (default: every checked stage profile)
 *
 * Every billable resource of each stage, read from `.synth/<stage>/*.json` (run `npm run synth`
 * first; `npm test` does) and priced from the dated price table (`prices.ts`): fixed and usage
 * lines, totals per service and stage side by side, what NAT would cost instead of the endpoints,
 * the assumptions and where every price comes from.
 */
import { SERVICE_NAMES } from '@game-platform/resources';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '../testing/templates';
import { formatSources, formatStageBill, formatTotals, stageBill } from './report';
import { parseStageArguments } from './stage-arguments';

const USAGE = 'usage: npm run cost [-- --stage <name>]...';

try {
  const bills = parseStageArguments(process.argv.slice(2), USAGE).map((stage) =>
    stageBill(
      loadStageProfile(stage),
      Object.fromEntries(SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)])),
    ),
  );
  console.log('npm run cost: what each stage costs a month, from its synthesized templates');
  for (const bill of bills) console.log(formatStageBill(bill));
  console.log(formatTotals(bills));
  console.log(formatSources(bills));
} catch (error) {
  console.error(`cost: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
