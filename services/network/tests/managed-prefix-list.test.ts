/** Resolving the CloudFront origin-facing prefix list by name: exactly one list, or a failure naming it. */
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST } from '@game-platform/shared/edge';
import { describe, expect, it } from 'vitest';
import { type ManagedPrefixList, resolveManagedPrefixList } from '../src/managed-prefix-list';

const list = (id: string, name = CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST): ManagedPrefixList => ({
  id,
  name,
  maxEntries: 55,
});

describe('resolveManagedPrefixList', () => {
  it('returns the one list with that exact name, asking EC2 by name', async () => {
    const asked: string[] = [];
    const found = await resolveManagedPrefixList(async (name) => {
      asked.push(name);
      return [list('pl-4fa04526'), list('pl-other', 'com.amazonaws.global.cloudfront.origin-facing-ipv6')];
    }, CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
    expect(found.id).toBe('pl-4fa04526');
    expect(asked).toEqual([CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST]);
  });

  it('fails naming the list when the region has none', async () => {
    await expect(
      resolveManagedPrefixList(async () => [], CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST),
    ).rejects.toThrow(
      `managed prefix list "${CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST}": 0 found in this region; expected exactly one`,
    );
  });
});
