/**
 * Adapter: `FunctionInvoker` on the Lambda API, with the credentials and region the framework
 * resolved for the deploy. The client is created only when a deploy has post-deploy invocations.
 */
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { FunctionInvoker } from './post-deploy';

export const lambdaInvoker = (config: LambdaClientConfig): FunctionInvoker => {
  const client = new LambdaClient(config);
  return {
    invoke: async (deployedName) => {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: deployedName,
          InvocationType: 'RequestResponse',
          LogType: 'Tail',
          Payload: Buffer.from('{}'),
        }),
      );
      return {
        functionError: response.FunctionError,
        payload: response.Payload ? Buffer.from(response.Payload).toString('utf8') : '',
        logTail: response.LogResult ? Buffer.from(response.LogResult, 'base64').toString('utf8') : undefined,
      };
    },
  };
};
