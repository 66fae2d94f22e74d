import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from '@game-platform/resources/template';

/** A small, valid template: a VPC and a security group admitting HTTPS from the world. */
export const validTemplate = (): Template => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true } },
    WebSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'web',
        VpcId: { Ref: 'Vpc' },
        SecurityGroupIngress: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            CidrIp: '0.0.0.0/0',
            Description: 'HTTPS from anywhere',
          },
        ],
      },
    },
  },
  Outputs: {
    vpcId: { Value: { Ref: 'Vpc' } },
    webSecurityGroupId: { Value: { 'Fn::GetAtt': ['WebSecurityGroup', 'GroupId'] } },
  },
});

/** Writes templates to a temporary directory, as synth does, and returns their paths by name. */
export const writeTemplates = (templates: Record<string, Template>): Record<string, string> => {
  const dir = mkdtempSync(join(tmpdir(), 'templates-'));
  return Object.fromEntries(
    Object.entries(templates).map(([name, template]) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(template, null, 2));
      return [name, file];
    }),
  );
};

/** The first inline ingress rule of the fixture's security group, to edit in a test. */
export const firstIngressRule = (template: Template): Record<string, unknown> => {
  const rules = template.Resources.WebSecurityGroup?.Properties?.SecurityGroupIngress as
    | Array<Record<string, unknown>>
    | undefined;
  const rule = rules?.[0];
  if (!rule) throw new Error('the fixture has no ingress rule');
  return rule;
};
