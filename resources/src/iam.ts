import type { Json, Value } from './cfn/intrinsics';

/**
 * One IAM policy statement. `Sid` is required so every grant says why it exists (`SendGameEvents`),
 * and actions are exact names: the synth check `PLATFORM.IAM.1` rejects `*` and `service:*` in Allow
 * statements.
 */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: Value<string> | Array<Value<string>>;
  Principal?: Json | '*';
  Condition?: Json;
}

export const policyDocument = (...statements: PolicyStatement[]) => ({
  Version: '2012-10-17',
  Statement: statements,
});

/** Trust policy letting one AWS service principal assume a role (`ecs-tasks.amazonaws.com`...). */
export const assumeRolePolicy = (servicePrincipal: string, condition?: Json) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: servicePrincipal },
      Action: 'sts:AssumeRole',
      ...(condition ? { Condition: condition } : {}),
    },
  ],
});
