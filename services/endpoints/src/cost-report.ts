/**
 * `npm run endpoints:cost [-- --stage <name>]...`  (default: every checked stage profile)
 *
 * Prints, per stage, the VPC endpoints the synthesized templates create, what each costs per hour
 * and per month, which workloads need it, and what NAT gateways would cost instead. It reads
 * `.synth/<stage>/`, so run `npm run synth` first (`npm test` does): the report describes exactly
 * what would be deployed, including the workloads other teams added.
 */

import { SERVICE_NAMES } from '@game-platform/resources';
import { deployedEndpoints, deriveEndpointNeeds } from '@game-platform/scripts/checks/rules/endpoints';
import { synthesizedTemplate } from '@game-platform/scripts/testing';
import { CHECKED_PROFILES, loadStageProfile } from '@game-platform/shared/profiles';
import { formatPriceSource, formatStageCost, stageCost } from './cost';
import { endpointPrices, PRICES } from './prices';

const USAGE = 'usage: npm run endpoints:cost [-- --stage <name>]...';

const parseStages = (argv: string[]): string[] => {
  const stages: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stage' || arg === '-s') {
      const value = argv[++i];
      if (!value) throw new Error(`--stage needs a stage name; ${USAGE}`);
      stages.push(value);
    } else if (arg?.startsWith('--stage=')) stages.push(arg.slice('--stage='.length));
    else throw new Error(`unknown argument "${arg}"; ${USAGE}`);
  }
  return stages.length ? stages : CHECKED_PROFILES;
};

try {
  for (const stage of parseStages(process.argv.slice(2))) {
    const templates = Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, synthesizedTemplate(stage, service)]),
    );
    const profile = loadStageProfile(stage);
    const cost = stageCost(
      profile,
      deployedEndpoints(templates),
      deriveEndpointNeeds(templates),
      endpointPrices(profile.region),
    );
    console.log(formatStageCost(cost));
  }
  console.log(formatPriceSource(PRICES));
} catch (error) {
  console.error(`endpoints:cost: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
