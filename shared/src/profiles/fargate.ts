/**
 * The task sizes AWS Fargate accepts (Linux, platform version 1.4.0 and later): each CPU value
 * allows only certain memory values. Used twice: to validate the engine section of a stage profile
 * when it is loaded, and by the synth rule PLATFORM.ENGINE.2 on the synthesized task definition,
 * so a pair ECS would reject fails before anything is deployed.
 *
 * Source: the Amazon ECS developer guide, "Task CPU and memory" (Fargate). To follow a change
 * there, edit the ranges below; both checks follow.
 */

interface MemoryRange {
  /** MiB, inclusive. */
  from: number;
  to: number;
  step: number;
}

const range = (from: number, to: number, step: number): MemoryRange => ({ from, to, step });

/** CPU units (1024 = 1 vCPU) -> the memory values (MiB) Fargate accepts with it. */
const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly MemoryRange[]> = new Map([
  [256, [range(512, 512, 512), range(1024, 2048, 1024)]],
  [512, [range(1024, 4096, 1024)]],
  [1024, [range(2048, 8192, 1024)]],
  [2048, [range(4096, 16384, 1024)]],
  [4096, [range(8192, 30720, 1024)]],
  [8192, [range(16384, 61440, 4096)]],
  [16384, [range(32768, 122880, 8192)]],
]);

/** The CPU values Fargate accepts, smallest first. */
export const FARGATE_CPU_UNITS = [...FARGATE_TASK_SIZES.keys()];

/** The memory values (MiB) Fargate accepts with `cpu` units; empty for a CPU value it does not offer. */
export const fargateMemoryOptions = (cpu: number): number[] =>
  (FARGATE_TASK_SIZES.get(cpu) ?? []).flatMap(({ from, to, step }) =>
    Array.from({ length: (to - from) / step + 1 }, (_, index) => from + index * step),
  );

/** Whether Fargate runs a task of `cpu` units and `memoryMiB`. */
export const isFargateTaskSize = (cpu: number, memoryMiB: number): boolean =>
  fargateMemoryOptions(cpu).includes(memoryMiB);

/**
 * The allowed memory values for `cpu` as ranges, for error messages:
 * `512, 1024-2048 in steps of 1024`.
 */
export const describeFargateMemoryOptions = (cpu: number): string =>
  (FARGATE_TASK_SIZES.get(cpu) ?? [])
    .map(({ from, to, step }) => (from === to ? `${from}` : `${from}-${to} in steps of ${step}`))
    .join(', ');
