/**
 * A first deploy in an empty account, walked step by step for every committed stage profile: the
 * engine's image step (run by the platform plugin before CloudFormation is called) on a registry
 * holding nothing, then the engine stack as synthesized, whose tasks pull the image the task
 * definition names. The walk fails on any step that needs an image (or a repository) before it is
 * built (or created); the last tests show that it does fail when a profile pins a tag that was
 * never pushed, or promotes from a stage that does not exist yet.
 */

import { resourceName } from '@game-platform/resources';
import { CHECKED_PROFILES, loadStageProfile, type StageProfile } from '@game-platform/shared/profiles';
import { synthesizedTemplate } from '@game-platform/testing/templates';
import { describe, expect, it } from 'vitest';
import { FRESH_ACCOUNT, ImageCommandError, imagePlan, imageTarget } from '../cli/image/plan';
import engineConfig from '../serverless';
import { REPO_ROOT } from '../stack/image-inputs';

const ACCOUNT = '123456789012';

/** The image the synthesized task definition names, as `<repository>:<tag>`. */
const pulledImage = (stage: string): string => {
  const template = synthesizedTemplate(stage, 'engine');
  const task = template.Resources.EngineTaskDefinition?.Properties as {
    ContainerDefinitions: Array<{ Image: { 'Fn::Sub': string } }>;
  };
  const image = task.ContainerDefinitions[0]?.Image['Fn::Sub'] ?? '';
  return image.split('/').slice(1).join('/');
};

/** Walks the deploy of one stage in an empty account; returns every step that needs what is not there yet. */
const walkFreshAccount = (profile: StageProfile, pulled: string): string[] => {
  const findings: string[] = [];
  const repositories = new Set<string>();
  const images = new Set<string>();
  const target = imageTarget(profile, ACCOUNT, REPO_ROOT);
  let steps: ReturnType<typeof imagePlan> = [];
  try {
    steps = imagePlan(target, FRESH_ACCOUNT);
  } catch (error) {
    if (!(error instanceof ImageCommandError)) throw error;
    findings.push(`image step: ${error.message}`);
  }
  for (const step of steps) {
    if (step.kind === 'create-repository') repositories.add(target.repositoryName);
    if (step.needsImage && !images.has(step.needsImage))
      findings.push(`image step ${step.kind} needs ${step.needsImage}, which nothing built`);
    if (step.pushes) {
      if (!repositories.has(target.repositoryName))
        findings.push(`image step ${step.kind} pushes to ${target.repositoryName}, which does not exist yet`);
      images.add(`${target.repositoryName}:${target.tag}`);
    }
  }
  // Then CloudFormation: the service starts tasks that pull the task definition's image.
  if (!images.has(pulled))
    findings.push(`engine stack: its tasks pull ${pulled}, which is not in the registry yet`);
  return findings;
};

describe('a first deploy in an empty account', () => {
  it('runs the image step before the engine stack is deployed (the platform plugin runs it before CloudFormation)', () => {
    // Assess: the engine's config, as the framework loads it (stage dev from the command line default).
    const platform = (engineConfig.custom as { platform?: { runBeforeDeploy?: unknown } }).platform;
    expect(platform?.runBeforeDeploy).toEqual([
      expect.objectContaining({ command: 'npm', args: ['run', 'engine:image', '--', '--stage', 'dev'] }),
    ]);
  });

  it.each(CHECKED_PROFILES)('stage %s: no step needs an image before it is built', (stage) => {
    // Prepare
    const profile = loadStageProfile(stage);
    const pulled = pulledImage(stage);

    // Act
    const findings = walkFreshAccount(profile, pulled);

    // Assess
    expect(findings).toEqual([]);
    expect(pulled).toBe(`${resourceName(stage, 'engine')}:${imageTarget(profile, ACCOUNT, REPO_ROOT).tag}`);
  });

  it('finds the step that needs an image when a profile pins a tag that was never pushed', () => {
    // Prepare: the profile as committed before this change (prod pinned to 0.1.0).
    const prod = loadStageProfile('prod');
    const pinned = { ...prod, engine: { ...prod.engine, imageTag: '0.1.0' } };

    // Act
    const findings = walkFreshAccount(pinned, 'game-prod-engine:0.1.0');

    // Assess
    expect(findings).toEqual([
      expect.stringMatching(/^image step: engine.imageTag "0.1.0" of stage prod is not in game-prod-engine/),
      'engine stack: its tasks pull game-prod-engine:0.1.0, which is not in the registry yet',
    ]);
  });

  it('finds the step that needs an image when a stage is promoted from one that is not deployed', () => {
    // Prepare
    const prod = loadStageProfile('prod');
    const promoted = { ...prod, engine: { ...prod.engine, promoteFrom: 'staging' } };

    // Act
    const findings = walkFreshAccount(promoted, pulledImage('prod'));

    // Assess
    expect(findings[0]).toMatch(
      /^image step: stage prod is promoted from stage staging .* no engine service of stage staging runs/,
    );
    expect(findings).toHaveLength(2);
  });
});
