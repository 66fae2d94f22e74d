/** The specification check rejects what CloudFormation would reject, naming the resource and the fix. */
import { describe, expect, it } from 'vitest';
import { checkSpecification } from '../src/checks/specification';
import { firstIngressRule, validTemplate } from './fixtures';

const messages = async (mutate: (template: ReturnType<typeof validTemplate>) => void) => {
  const template = validTemplate();
  mutate(template);
  return (await checkSpecification('network', template)).map(
    (finding) => `${finding.resource}: ${finding.message}`,
  );
};

describe('specification check', () => {
  it('accepts a valid template', async () => {
    expect(await messages(() => {})).toEqual([]);
  });

  it('fails a misspelled property name and suggests the right one', async () => {
    expect(
      await messages((t) => {
        const properties = t.Resources.Vpc?.Properties as Record<string, unknown>;
        properties.CidrBLock = properties.CidrBlock;
        delete properties.CidrBlock;
      }),
    ).toEqual(['Vpc: AWS::EC2::VPC.CidrBLock is not a property of AWS::EC2::VPC (did you mean CidrBlock?)']);
  });

  it('fails a property of the wrong type, deep inside a nested type', async () => {
    expect(
      await messages((t) => {
        const ingress = firstIngressRule(t);
        ingress.FromPort = 'https';
      }),
    ).toEqual([
      'WebSecurityGroup: AWS::EC2::SecurityGroup.SecurityGroupIngress[0].FromPort is string "https"; expected a number',
    ]);
  });

  it('fails a missing required property and an unknown resource type', async () => {
    expect(
      await messages((t) => {
        delete t.Resources.WebSecurityGroup?.Properties?.GroupDescription;
        t.Resources.Queue = { Type: 'AWS::SQS::Queu', Properties: {} };
      }),
    ).toEqual([
      'WebSecurityGroup: AWS::EC2::SecurityGroup.GroupDescription is required but missing',
      'Queue: resource type "AWS::SQS::Queu" does not exist in the CloudFormation specification',
    ]);
  });

  it('fails references to missing resources and attributes', async () => {
    expect(
      await messages((t) => {
        (t.Resources.WebSecurityGroup?.Properties as Record<string, unknown>).VpcId = { Ref: 'Vcp' };
        t.Outputs = {
          vpcCidr: { Value: { 'Fn::GetAtt': ['Vpc', 'Cidr'] } },
          name: { Value: { 'Fn::Sub': '${Vpc.Nope}-${AWS::Region}' } },
        };
        t.Resources.Vpc = { ...(t.Resources.Vpc as object), DependsOn: ['Missing'] } as never;
      }),
    ).toEqual([
      'Vpc: DependsOn names "Missing", which is not a resource of this template',
      'WebSecurityGroup: Ref "Vcp" names no resource, parameter or pseudo parameter of this template',
      expect.stringMatching(
        /^Outputs\.vpcCidr: Fn::GetAtt Vpc\.Cidr: AWS::EC2::VPC has no attribute "Cidr" \(it has: .*CidrBlock/,
      ),
      expect.stringMatching(/^Outputs\.name: Fn::GetAtt Vpc\.Nope: AWS::EC2::VPC has no attribute "Nope"/),
    ]);
  });
});
