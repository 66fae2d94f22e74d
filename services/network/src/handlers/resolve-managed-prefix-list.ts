/**
 * Custom resource `Custom::ManagedPrefixList`: returns the id of the managed prefix list named by
 * `PrefixListName` as the attribute `PrefixListId` on Create and Update. Delete does nothing.
 */
import { DescribeManagedPrefixListsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createLogger } from '@game-platform/shared/log';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { sendCustomResourceResponse } from '../cloudformation-response';
import { type FindPrefixListsByName, resolveManagedPrefixList } from '../managed-prefix-list';

const ec2 = new EC2Client({});
const log = createLogger('info', { service: 'network-managed-prefix-list' });

const findByName: FindPrefixListsByName = async (name) => {
  const { PrefixLists = [] } = await ec2.send(
    new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: [name] }] }),
  );
  return PrefixLists.map((list) => ({
    id: list.PrefixListId ?? '',
    name: list.PrefixListName ?? '',
    maxEntries: list.MaxEntries,
  }));
};

export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const name = String(event.ResourceProperties.PrefixListName ?? '');
  const previous = event.RequestType === 'Create' ? undefined : event.PhysicalResourceId;
  try {
    if (event.RequestType === 'Delete') {
      await sendCustomResourceResponse(event, { status: 'SUCCESS', physicalResourceId: previous ?? name });
      return;
    }
    const list = await resolveManagedPrefixList(findByName, name);
    log.info('managed prefix list resolved', { ...list });
    await sendCustomResourceResponse(event, {
      status: 'SUCCESS',
      physicalResourceId: list.id,
      data: { PrefixListId: list.id },
    });
  } catch (error) {
    log.error('could not resolve the managed prefix list', { name, error: String(error) });
    await sendCustomResourceResponse(event, {
      status: 'FAILED',
      physicalResourceId: previous ?? `unresolved-${name}`,
      reason: String(error),
    });
  }
};
