/**
 * Resolves an AWS-managed prefix list's id from its name. CloudFormation has no lookup for it, and the
 * id differs per region (`com.amazonaws.global.cloudfront.origin-facing` is one list per region), so
 * the custom resource `Custom::ManagedPrefixList` asks EC2 at deploy time and the load balancer's
 * ingress rule references the answer.
 */

export interface ManagedPrefixList {
  id: string;
  name: string;
  maxEntries: number | undefined;
}

/** The one EC2 call this needs (`DescribeManagedPrefixLists` filtered by name), so the logic runs without EC2. */
export type FindPrefixListsByName = (name: string) => Promise<ManagedPrefixList[]>;

export class PrefixListNotFoundError extends Error {
  override readonly name = 'PrefixListNotFoundError';
}

/** The id of the managed prefix list called `name`; fails naming the list when there is not exactly one. */
export const resolveManagedPrefixList = async (
  find: FindPrefixListsByName,
  name: string,
): Promise<ManagedPrefixList> => {
  const lists = (await find(name)).filter((list) => list.name === name);
  const [list] = lists;
  if (!list || lists.length > 1) {
    throw new PrefixListNotFoundError(
      `managed prefix list "${name}": ${lists.length} found in this region; expected exactly one (AWS publishes it in every commercial region)`,
    );
  }
  return list;
};
