/**
 * What the platform knows about RDS instance classes: their memory, and from it how many
 * PostgreSQL connections a class can hold. Used twice: to validate the datastore section of a
 * stage profile (`maxConnections` must fit the class) and to set the datastore's alarm thresholds
 * (connections near the limit, freeable memory low).
 *
 * Memory comes from the RDS instance class tables: burstable classes (`t3`, `t4g`) by size;
 * general-purpose (`m*`) classes have 4 GiB per vCPU and memory-optimized (`r*`) classes 8 GiB
 * per vCPU, with 2 vCPUs at `large` doubling with each size. To use another family, add it here.
 */

const BURSTABLE_MEMORY_GIB: Record<string, number> = {
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  '2xlarge': 32,
};
const BURSTABLE_FAMILIES = ['t3', 't4g'];

const VCPUS_BY_SIZE: Record<string, number> = {
  large: 2,
  xlarge: 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
};
const GIB_PER_VCPU: Record<string, number> = { m: 4, r: 8 };
const SIZED_FAMILIES = ['m5', 'm6g', 'm6i', 'm7g', 'm7i', 'm8g', 'r5', 'r6g', 'r6i', 'r7g', 'r7i', 'r8g'];

/** The families whose memory is known, for error messages. */
export const KNOWN_INSTANCE_FAMILIES = [...BURSTABLE_FAMILIES, ...SIZED_FAMILIES];

/** Memory of an RDS instance class in GiB, or undefined when the family or size is unknown here. */
export const instanceClassMemoryGiB = (instanceClass: string): number | undefined => {
  const [prefix, family = '', size = ''] = instanceClass.split('.');
  if (prefix !== 'db') return undefined;
  if (BURSTABLE_FAMILIES.includes(family)) return BURSTABLE_MEMORY_GIB[size];
  const vcpus = VCPUS_BY_SIZE[size];
  const perVcpu = GIB_PER_VCPU[family.charAt(0)];
  return SIZED_FAMILIES.includes(family) && vcpus && perVcpu ? vcpus * perVcpu : undefined;
};

/** RDS for PostgreSQL's default `max_connections` is LEAST(DBInstanceClassMemory / 9531392, 5000). */
const BYTES_PER_CONNECTION = 9_531_392;
const MAX_CONNECTIONS_CEILING = 5_000;
/**
 * `DBInstanceClassMemory` is the class memory minus what RDS keeps for the operating system and
 * its agents; on a 1 GiB class that is about a quarter. Counting 75 % of the nominal memory keeps
 * `max_connections` at or below what RDS itself would choose.
 */
const USABLE_MEMORY_FRACTION = 0.75;

/**
 * The most connections a class can hold by RDS's own formula, on the memory it leaves to
 * PostgreSQL; undefined when the class is unknown.
 */
export const maxConnectionsFor = (instanceClass: string): number | undefined => {
  const memoryGiB = instanceClassMemoryGiB(instanceClass);
  if (memoryGiB === undefined) return undefined;
  const usableBytes = memoryGiB * 2 ** 30 * USABLE_MEMORY_FRACTION;
  return Math.min(Math.floor(usableBytes / BYTES_PER_CONNECTION), MAX_CONNECTIONS_CEILING);
};
