/**
 * Tools find what the services offer through serverless-compose.yml, not by importing them: the
 * platform rules are every stack's rules, then each listed service's `rules.ts` in compose order;
 * a service without one adds none; a `rules.ts` without its `rules` list stops the checks, naming it.
 */
import { readCompose } from '@game-platform/resources/compose';
import { describe, expect, it } from 'vitest';
import { loadPlatformRules, PLATFORM_RULES } from '../src/checks/platform-rules';

const ids = (rules: Array<{ id: string }>) => rules.map((rule) => rule.id);

describe('platform rules through the compose file', () => {
  it("checks every stack's rules, then each service's own, in the order compose lists the services", async () => {
    // Act
    const rules = await loadPlatformRules();

    // Assess
    expect(ids(rules)).toEqual([
      ...['PLATFORM.SG.1', 'PLATFORM.SG.2', 'PLATFORM.IAM.1', 'PLATFORM.IAM.2', 'PLATFORM.IAM.3'],
      ...['PLATFORM.TEMPLATE.1', 'PLATFORM.DATA.1', 'PLATFORM.DATA.2'],
      ...['PLATFORM.ENDPOINTS.1', 'PLATFORM.ENDPOINTS.2', 'PLATFORM.ENDPOINTS.3'],
      ...['PLATFORM.RDS.1', 'PLATFORM.RDS.2', 'PLATFORM.RDS.3', 'PLATFORM.RDS.4', 'PLATFORM.RDS.5'],
      ...['PLATFORM.SQS.1', 'PLATFORM.SQS.2', 'PLATFORM.SQS.3'],
      ...['PLATFORM.ENGINE.1', 'PLATFORM.ENGINE.2'],
      ...['PLATFORM.EDGE.1', 'PLATFORM.EDGE.2', 'PLATFORM.EDGE.3'],
    ]);
  });

  it('checks only the rules of the services compose lists', async () => {
    // Prepare
    const services = readCompose().filter((service) => ['network', 'endpoints'].includes(service.name));

    // Act
    const rules = await loadPlatformRules(services);

    // Assess: network has no rules.ts; endpoints has its three.
    expect(ids(rules)).toEqual([
      ...ids(PLATFORM_RULES),
      'PLATFORM.ENDPOINTS.1',
      'PLATFORM.ENDPOINTS.2',
      'PLATFORM.ENDPOINTS.3',
    ]);
  });

  it('refuses a rules.ts that does not export its rules as `rules`, naming the file', async () => {
    // Prepare
    const services = [
      { name: 'broken', path: 'tools/tests/discovery/rules-without-list', params: {}, dependsOn: [] },
    ];

    // Act + Assess
    await expect(loadPlatformRules(services)).rejects.toThrow(
      'tools/tests/discovery/rules-without-list/rules.ts exports no `rules` list',
    );
  });
});
