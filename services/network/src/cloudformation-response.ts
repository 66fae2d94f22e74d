import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export type CustomResourceStatus = 'SUCCESS' | 'FAILED';

/**
 * Reports a custom resource's outcome to CloudFormation (a PUT of JSON to the pre-signed
 * `ResponseURL`). It must be sent on every path, failures included, or the stack waits an hour.
 */
export const sendCustomResourceResponse = async (
  event: CloudFormationCustomResourceEvent,
  outcome: {
    status: CustomResourceStatus;
    physicalResourceId: string;
    reason?: string;
    data?: Record<string, string>;
  },
  fetchImpl: typeof fetch = fetch,
): Promise<void> => {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: (outcome.reason ?? outcome.status).slice(0, 3500),
    PhysicalResourceId: outcome.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: outcome.data ?? {},
  });
  const response = await fetchImpl(event.ResponseURL, {
    method: 'PUT',
    // The pre-signed URL is signed for an empty content type.
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  if (!response.ok)
    throw new Error(`CloudFormation rejected the custom resource response: HTTP ${response.status}`);
};
