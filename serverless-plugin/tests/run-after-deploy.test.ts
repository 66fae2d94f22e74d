/**
 * `custom.platform.runAfterDeploy` / `runBeforeDeploy`: the platform plugin runs a service's local
 * commands after a successful deploy (or before CloudFormation is called), in order, in the service
 * directory, and stops at the first that fails.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlatformPlugin } from '../src/plugin';

const pluginFor = (
  serviceDir: string,
  steps: Array<{ description: string; command: string; args: string[] }>,
  setting: 'runAfterDeploy' | 'runBeforeDeploy' = 'runAfterDeploy',
) => {
  const logged: string[] = [];
  const plugin = new PlatformPlugin(
    {
      serviceDir,
      classes: { Error },
      service: {
        provider: { compiledCloudFormationTemplate: { Resources: {} } },
        custom: { platform: { [setting]: steps } },
        getAllFunctions: () => [],
        getFunction: () => ({}),
      },
      getProvider: () => {
        throw new Error('no function to invoke, so no AWS call');
      },
    } as never,
    {},
    { log: (line: string) => logged.push(line) },
  );
  const hook = setting === 'runAfterDeploy' ? 'after:deploy:deploy' : 'before:deploy:deploy';
  return { hook: plugin.hooks[hook] as () => Promise<void>, logged };
};

const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('runAfterDeploy', () => {
  it('runs every step in order in the service directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'after-deploy-'));
    const { hook, logged } = pluginFor(dir, [
      { description: 'first', ...node("require('fs').appendFileSync('steps.txt', 'one\\n')") },
      { description: 'second', ...node("require('fs').appendFileSync('steps.txt', 'two\\n')") },
    ]);

    await hook();

    expect(readFileSync(join(dir, 'steps.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(logged.map((line) => line.split(' (')[0])).toEqual([
      'after deploy: first',
      'after deploy: second',
    ]);
  });

  it('stops at the first failing step with an error naming it and its exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'after-deploy-'));
    const { hook } = pluginFor(dir, [
      { description: 'publish the site', ...node('process.exit(3)') },
      { description: 'never', ...node("require('fs').writeFileSync('never.txt', 'x')") },
    ]);

    await expect(hook()).rejects.toThrow(
      /\(publish the site\) failed with exit code 3; the stack itself is deployed/,
    );
    expect(() => readFileSync(join(dir, 'never.txt'))).toThrow();
  });
});

describe('runBeforeDeploy', () => {
  it('runs its steps on the hook before the deploy, and a failure says the stack was not changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'before-deploy-'));
    const ok = pluginFor(
      dir,
      [{ description: 'push the image', ...node("require('fs').writeFileSync('pushed.txt', 'x')") }],
      'runBeforeDeploy',
    );
    const failing = pluginFor(
      dir,
      [{ description: 'push the image', ...node('process.exit(1)') }],
      'runBeforeDeploy',
    );

    await ok.hook();

    expect(readFileSync(join(dir, 'pushed.txt'), 'utf8')).toBe('x');
    expect(ok.logged[0]).toMatch(/^before deploy: push the image \(/);
    await expect(failing.hook()).rejects.toThrow(
      /^before deploy: .* \(push the image\) failed with exit code 1; the stack was not changed; fix the cause and deploy again$/,
    );
  });
});
