/**
 * Post-deploy invocations (`custom.platform.invokeAfterDeploy`): which functions run, in what
 * order, what is printed, and how a failure fails the deploy. The Lambda API sits behind
 * `FunctionInvoker`; here an in-memory invoker plays it, answering with recorded Lambda payloads
 * (`tests/events/lambda/`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlatformPlugin } from '../src/plugin';
import {
  type FunctionInvoker,
  type InvocationResult,
  PostDeployError,
  postDeployFunctions,
  runPostDeployInvocations,
} from '../src/post-deploy';

const lambdaPayload = (name: string): string =>
  readFileSync(new URL(`./events/lambda/${name}.json`, import.meta.url), 'utf8');

/** Answers each deployed function name with a prepared result; records the calls. */
const invokerAnswering = (results: Record<string, InvocationResult | Error>) => {
  const calls: string[] = [];
  const invoker: FunctionInvoker = {
    invoke: async (deployedName) => {
      calls.push(deployedName);
      const result = results[deployedName];
      if (result instanceof Error) throw result;
      if (!result) throw new Error(`no result prepared for ${deployedName}`);
      return result;
    },
  };
  return { invoker, calls };
};

const migrate = { name: 'migrate', deployedName: 'game-datastore-dev-migrate' };
const seed = { name: 'seed', deployedName: 'game-datastore-dev-seed' };

describe('runPostDeployInvocations', () => {
  it('invokes each function in order and prints what it returned', async () => {
    // Prepare
    const { invoker, calls } = invokerAnswering({
      [migrate.deployedName]: { payload: lambdaPayload('invoke-migrate-report') },
      [seed.deployedName]: { payload: 'null' },
    });
    const lines: string[] = [];

    // Act
    await runPostDeployInvocations([migrate, seed], invoker, (line) => lines.push(line));

    // Assess
    expect(calls).toEqual([migrate.deployedName, seed.deployedName]);
    expect(lines).toContain(`post-deploy: migrate returned ${lambdaPayload('invoke-migrate-report')}`);
  });

  it('fails naming the function, its error and log tail, and invokes nothing after it', async () => {
    // Prepare
    const { invoker, calls } = invokerAnswering({
      [migrate.deployedName]: {
        functionError: 'Unhandled',
        payload: lambdaPayload('invoke-unhandled-error'),
        logTail:
          'START RequestId: 1\n{"message":"another migration run is in progress; waiting for it"}\nEND',
      },
    });

    // Act
    const failure = runPostDeployInvocations([migrate, seed], invoker, () => {});

    // Assess
    await expect(failure).rejects.toBeInstanceOf(PostDeployError);
    await expect(failure).rejects.toThrow(
      /^post-deploy: migrate \(game-datastore-dev-migrate\) failed: MigrationError: migration 0001_game_schema\.sql was edited after it was applied .*\n {2}log tail:\n {4}START RequestId: 1\n.*\n {4}END\n {2}The stack is deployed but migrate did not complete/,
    );
    expect(calls).toEqual([migrate.deployedName]);
  });

  it('fails clearly when the function cannot be invoked at all', async () => {
    // Prepare
    const { invoker } = invokerAnswering({
      [migrate.deployedName]: new Error('User is not authorized to perform: lambda:InvokeFunction'),
    });

    // Act / Assess
    await expect(runPostDeployInvocations([migrate], invoker, () => {})).rejects.toThrow(
      'post-deploy: could not invoke migrate (game-datastore-dev-migrate): User is not authorized to perform: lambda:InvokeFunction. The stack is deployed but migrate did not run',
    );
  });
});

describe('postDeployFunctions', () => {
  it('is empty when the service lists none', () => {
    // Act / Assess
    expect(postDeployFunctions(undefined, ['migrate'])).toEqual([]);
  });

  it.each([
    [
      'migrate',
      'custom.platform.invokeAfterDeploy is "migrate"; expected a list of function names of this service',
    ],
    [
      ['migrat'],
      'custom.platform.invokeAfterDeploy names "migrat", which is not a function of this service; expected one of: migrate',
    ],
  ])('refuses %j', (setting, message) => {
    // Act / Assess
    expect(() => postDeployFunctions(setting, ['migrate'])).toThrow(message);
  });
});

describe('PlatformPlugin after a deploy', () => {
  /** The parts of the framework the plugin touches, for a service with one function `migrate`. */
  const frameworkWith = (invokeAfterDeploy: unknown) => ({
    service: {
      provider: { compiledCloudFormationTemplate: { Resources: {} }, stage: 'dev' },
      custom: { platform: { invokeAfterDeploy } as { invokeAfterDeploy?: string[] } },
      getAllFunctions: () => ['migrate'],
      getFunction: (name: string) => ({ name: `game-datastore-dev-${name}` }),
    },
    getProvider: () => ({ getAwsSdkV3Config: async () => ({ region: 'eu-west-1' }) }),
    serviceDir: process.cwd(),
    classes: { Error: class FrameworkError extends Error {} },
  });

  it('invokes the deployed functions with the deploy credentials and region', async () => {
    // Prepare
    const { invoker, calls } = invokerAnswering({
      [migrate.deployedName]: { payload: lambdaPayload('invoke-migrate-report') },
    });
    const configs: unknown[] = [];
    const lines: string[] = [];
    const plugin = new PlatformPlugin(
      frameworkWith(['migrate']),
      {},
      { log: (line) => lines.push(line) },
      async (config) => {
        configs.push(config);
        return invoker;
      },
    );

    // Act
    await plugin.hooks['after:deploy:deploy']?.();

    // Assess
    expect(configs).toEqual([{ region: 'eu-west-1' }]);
    expect(calls).toEqual([migrate.deployedName]);
    expect(lines.at(-1)).toMatch(/^post-deploy: migrate returned /);
  });

  it("fails the deploy with the framework's error type when the function fails", async () => {
    // Prepare
    const framework = frameworkWith(['migrate']);
    const { invoker } = invokerAnswering({
      [migrate.deployedName]: {
        functionError: 'Unhandled',
        payload: lambdaPayload('invoke-unhandled-error'),
      },
    });
    const plugin = new PlatformPlugin(framework, {}, { log: () => {} }, async () => invoker);

    // Act / Assess
    await expect(plugin.hooks['after:deploy:deploy']?.()).rejects.toBeInstanceOf(framework.classes.Error);
  });

  it('refuses an unknown function name while packaging, before any deploy', () => {
    // Prepare
    const plugin = new PlatformPlugin(frameworkWith(['migrat']), {}, {}, async () => {
      throw new Error('must not be called');
    });

    // Act / Assess
    expect(() => plugin.hooks['before:aws:package:finalize:saveServiceState']?.()).toThrow(
      'custom.platform.invokeAfterDeploy names "migrat", which is not a function of this service; expected one of: migrate',
    );
  });
});
