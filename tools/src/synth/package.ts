/**
 * Packages every service of a stage with the real compose and osls, offline: in a scratch compose
 * project (`.synth/<stage>/compose/`) whose state holds placeholder outputs, so compose resolves
 * `${network.vpcId}` without a deployed network, and the user's own compose state is never touched.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type ComposeService, composeReferences } from '@game-platform/resources/compose';
import { REPO_ROOT, repoPath, synthDir } from '@game-platform/resources/paths';
import { placeholderFor } from '@game-platform/resources/placeholders';
import type { Template } from '@game-platform/resources/template';
import type { StageProfile } from '@game-platform/shared/profiles';
import * as yaml from 'js-yaml';

/** The environment the framework runs in: no AWS credentials at all, so nothing can reach AWS by accident. */
export const offlineEnvironment = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      !/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE|CONTAINER_CREDENTIALS_.*)$/.test(
        key,
      )
    )
      env[key] = value;
  }
  return {
    ...env,
    PATH: `${repoPath('node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    FORCE_COLOR: '0',
  };
};

/** Writes the scratch compose project: the real services (absolute paths), local state, placeholder outputs. */
export const prepareComposeProject = (
  services: ComposeService[],
  profile: StageProfile,
): { dir: string; errors: string[] } => {
  const dir = repoPath('.synth', profile.stage, 'compose');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/.serverless`, { recursive: true });
  const composeFile = {
    services: Object.fromEntries(
      services.map((service) => [
        service.name,
        {
          path: `${REPO_ROOT}${service.path}`,
          ...(Object.keys(service.params).length ? { params: service.params } : {}),
          ...(service.dependsOn.length ? { dependsOn: service.dependsOn } : {}),
        },
      ]),
    ),
  };
  writeFileSync(`${dir}/serverless-compose.yml`, yaml.dump(composeFile));

  const errors: string[] = [];
  const outputs: Record<string, Record<string, string>> = {};
  for (const { producer, output, consumer, param } of composeReferences(services)) {
    const placeholder = placeholderFor({ profile, producer, output });
    if ('error' in placeholder) errors.push(`${consumer} param ${param}: ${placeholder.error}`);
    else outputs[producer] = { ...outputs[producer], [output]: placeholder.value };
  }
  const state = {
    components: Object.fromEntries(
      Object.entries(outputs).map(([name, values]) => [name, { outputs: values }]),
    ),
  };
  writeFileSync(`${dir}/.serverless/state.${profile.stage}.json`, JSON.stringify(state, null, 2));
  return { dir, errors };
};

export interface PackageResult {
  ok: boolean;
  output: string;
  seconds: number;
}

/**
 * Runs `serverless <command> --stage <stage>` in the scratch project: `package` packages all services
 * in parallel; `network:package` only one.
 */
export const runCompose = (dir: string, stage: string, command = 'package'): Promise<PackageResult> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('serverless', [command, '--stage', stage], {
      cwd: dir,
      env: offlineEnvironment(),
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', (error) => resolve({ ok: false, output: `${output}\n${error.message}`, seconds: 0 }));
    child.on('close', (code) =>
      resolve({ ok: code === 0, output, seconds: (performance.now() - started) / 1000 }),
    );
  });

/** Copies each service's template from where osls wrote it to `.synth/<stage>/<service>.json` and reads it. */
export const collectTemplates = (services: ComposeService[], stage: string): Record<string, Template> => {
  const templates: Record<string, Template> = {};
  for (const service of services) {
    const source = repoPath(service.path, '.serverless', 'cloudformation-template-update-stack.json');
    const target = `${synthDir(stage)}/${service.name}.json`;
    copyFileSync(source, target);
    templates[service.name] = JSON.parse(readFileSync(target, 'utf8')) as Template;
  }
  return templates;
};
