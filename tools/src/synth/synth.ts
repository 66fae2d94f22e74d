/**
 * Synth: package every service of a stage offline, then run every template check on the result.
 *
 *   1. load and validate the stage profiles        (a bad value stops here, before packaging)
 *   2. package all services with compose and osls   (placeholders stand in for producers' outputs)
 *   3. check compose references against the producers' templates
 *   4. specification check, policy gate, platform rules, policy exceptions
 */
import { mkdirSync, rmSync } from 'node:fs';
import { composeReferences, deployOrder, readCompose } from '@game-platform/resources/compose';
import { repoPath, synthDir } from '@game-platform/resources/paths';
import type { Finding, PlatformRule, Template } from '@game-platform/resources/template';
import { loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { applyExceptions, loadExceptions, type PolicyException } from '../checks/exceptions';
import { loadPlatformRules } from '../checks/platform-rules';
import { type GuardRuleResult, policyGateFindings, runPolicyGate } from '../checks/policy-gate';
import { checkSpecification } from '../checks/specification';
import { collectTemplates, prepareComposeProject, runCompose } from './package';
import { checkReferences } from './references';

export interface StackReport {
  service: string;
  template: Template;
  guard: GuardRuleResult[];
}

export interface StageReport {
  stage: string;
  profile: StageProfile;
  stacks: StackReport[];
  failed: Finding[];
  excepted: Array<Finding & { reason: string }>;
  stale: PolicyException[];
  packageSeconds: number;
  checkSeconds: number;
}

export class SynthError extends Error {
  override readonly name = 'SynthError';
}

/** Runs every check on one stage's templates (also used by tests on hand-made templates). */
export const checkStage = async (
  profile: StageProfile,
  templates: Record<string, Template>,
  templateFiles: Record<string, string>,
  rules?: PlatformRule[],
) => {
  const platformRules = rules ?? (await loadPlatformRules());
  const guardResults = await runPolicyGate(Object.values(templateFiles));
  const guardByService = Object.fromEntries(
    Object.entries(templateFiles).map(([service, file]) => [
      service,
      guardResults.filter((result) => result.file === file),
    ]),
  );
  const findings: Finding[] = [
    ...(
      await Promise.all(
        Object.entries(templates).map(([service, template]) => checkSpecification(service, template)),
      )
    ).flat(),
    ...Object.entries(guardByService).flatMap(([service, results]) => policyGateFindings(service, results)),
    ...platformRules.flatMap((rule) => rule.check({ stage: profile.stage, profile, templates })),
  ];
  return { findings, guardByService };
};

export const synthesizeStage = async (
  stage: string,
  log: (line: string) => void = () => {},
): Promise<StageReport> => {
  const profile = loadStageProfile(stage);
  const exceptions = loadExceptions();
  const services = readCompose();
  const order = deployOrder(services);
  if ('cycle' in order)
    throw new SynthError(
      `serverless-compose.yml has no deploy order: ${order.cycle.join(' needs ')} (through params or dependsOn); one of them must stop taking the other's output`,
    );

  const { dir, errors } = prepareComposeProject(services, profile);
  if (errors.length)
    throw new SynthError(
      `Compose references without a placeholder shape:\n${errors.map((e) => `  - ${e}`).join('\n')}`,
    );
  mkdirSync(synthDir(stage), { recursive: true });
  for (const service of services)
    rmSync(repoPath(service.path, '.serverless', 'cloudformation-template-update-stack.json'), {
      force: true,
    });

  log(
    `stage ${stage} (profile ${profile.profileName}): packaging ${services.length} services in parallel...`,
  );
  const packaged = await runCompose(dir, stage);
  if (!packaged.ok) throw new SynthError(`Packaging stage ${stage} failed:\n${packaged.output.trim()}`);

  const started = performance.now();
  const templates = collectTemplates(services, stage);
  const templateFiles = Object.fromEntries(
    services.map((service) => [service.name, `${synthDir(stage)}/${service.name}.json`]),
  );
  const { findings, guardByService } = await checkStage(profile, templates, templateFiles);
  const allFindings = [...checkReferences(composeReferences(services), templates), ...findings];
  const { failed, excepted, stale } = applyExceptions(allFindings, exceptions, profile.profileName);

  return {
    stage,
    profile,
    stacks: services.map((service) => ({
      service: service.name,
      template: templates[service.name] as Template,
      guard: guardByService[service.name] ?? [],
    })),
    failed,
    excepted,
    stale,
    packageSeconds: packaged.seconds,
    checkSeconds: (performance.now() - started) / 1000,
  };
};
