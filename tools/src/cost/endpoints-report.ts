/**
 * `npm run endpoints:cost [-- --stage <name>]...`  (default: every checked stage profile)
 *
 * Prints, per stage, the VPC endpoints the synthesized templates create, what each costs per hour
 * and per month, which workloads need it, and what NAT gateways would cost instead. It reads
 * `.synth/<stage>/`, so run `npm run synth` first (`npm test` does): the report describes exactly
 * what would be deployed, including the workloads other teams added.
 */

import { SERVICE_NAMES } from '@game-platform/resources';
import { IAM_FACTS } from '@game-platform/resources/managed-policies';
import { synthesizedTemplate } from '@game-platform/resources/template';
import { deployedEndpoints, deriveEndpointNeeds } from '@game-platform/shared/endpoints';
import { loadStageProfile } from '@game-platform/shared/profiles';
import { endpointPrices, PRICES } from './endpoint-prices';
import { formatPriceSource, formatStageCost, stageCost } from './endpoints';
import { stageReportCommand, stagesToReport } from './stage-arguments';

const stages = stagesToReport(
  stageReportCommand(
    'npm run endpoints:cost',
    'endpoints:cost',
    'The VPC endpoints each stage creates, what they cost and what NAT gateways would cost instead (reads .synth/<stage>/).',
  ),
);
try {
  for (const stage of stages) {
    const templates = Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)]),
    );
    const profile = loadStageProfile(stage);
    const cost = stageCost(
      profile,
      deployedEndpoints(templates),
      deriveEndpointNeeds(templates, IAM_FACTS),
      endpointPrices(profile.region),
    );
    console.log(formatStageCost(cost));
  }
  console.log(formatPriceSource(PRICES));
} catch (error) {
  console.error(`endpoints:cost: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
