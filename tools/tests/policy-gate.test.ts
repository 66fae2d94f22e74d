/** The policy gate runs the real Control Tower cfn-guard rules with the real cfn-guard binary. */
import { describe, expect, it } from 'vitest';
import { policyGateFindings, runPolicyGate } from '../src/checks/policy-gate';
import { firstIngressRule, validTemplate, writeTemplates } from './fixtures';

describe('policy gate', () => {
  it('passes a security group that admits only HTTPS from the world', async () => {
    const files = writeTemplates({ network: validTemplate() });
    const results = await runPolicyGate(Object.values(files));
    expect(policyGateFindings('network', results)).toEqual([]);
    expect(results.filter((r) => r.status === 'PASS').map((r) => r.ruleName)).toContain(
      'vpc_sg_open_only_to_authorized_ports_check',
    );
  });

  it('fails a security group open to 0.0.0.0/0 on PostgreSQL, naming control and resource', async () => {
    const template = validTemplate();
    const ingress = firstIngressRule(template);
    Object.assign(ingress, { FromPort: 5432, ToPort: 5432, Description: 'PostgreSQL from anywhere' });
    const files = writeTemplates({ network: template });
    const findings = policyGateFindings('network', await runPolicyGate(Object.values(files)));
    expect(findings.map((f) => `${f.rule} ${f.resource}`)).toEqual(
      expect.arrayContaining(['CT.EC2.PR.3 WebSecurityGroup', 'CT.EC2.PR.4 WebSecurityGroup']),
    );
    expect(findings.every((f) => f.check === 'policy gate' && f.message.length > 20)).toBe(true);
  });
});
