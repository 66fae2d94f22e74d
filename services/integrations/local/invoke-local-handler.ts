/**
 * The consumer's handler as `serverless invoke local` runs it (never deployed: serverless.ts points
 * the function here only during that command, see `stack/local-invoke.ts`). osls builds the invocation
 * context with `memoryLimitInMB: '1024'` whatever the function's memory, while it sets
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE from the function's settings; in Lambda the two always agree. So
 * the context gets the function's memory back, and the logs show the profile's figure.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handler as consumer } from '../src/handlers/consumer';

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  consumer(event, {
    ...context,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? context.memoryLimitInMB,
  });
