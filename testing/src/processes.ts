/**
 * The Linux process table, read from /proc, for tests that must prove no process outlives a run:
 * a process is identified by its pid and its start time, so a reused pid is not mistaken for it.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** R, S, D... or Z for a zombie: ended, only waiting for its parent to collect its exit status. */
  state: string;
  /** Clock ticks after boot (field 22 of /proc/<pid>/stat): with the pid, names one process. */
  startTime: string;
  /** The command line, arguments separated by spaces. */
  command: string;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended while the table was read
  }
};

/**
 * The fields of /proc/<pid>/stat from field 3 (state) on, or undefined when the process is gone. The
 * command name (field 2) is in parentheses and may contain spaces: the fields start after the last ')'.
 */
const statFields = (pid: number | string): string[] | undefined => {
  const stat = read(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every Linux this runs on). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, user + system, in ms (fields 14 and 15 of /proc/<pid>/stat);
 * undefined where the process is gone or there is no /proc.
 */
export const cpuTimeMs = (pid: number): number | undefined => {
  const fields = statFields(pid);
  return fields === undefined
    ? undefined
    : ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
};

export const processTable = (): ProcessEntry[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const fields = statFields(name);
      if (!fields) return [];
      const command = (read(`/proc/${name}/cmdline`) ?? '').split('\0').join(' ').trim();
      return [
        {
          pid: Number(name),
          state: fields[0] ?? '',
          ppid: Number(fields[1]),
          startTime: fields[19] ?? '',
          command,
        },
      ];
    });

/** Every process below `pid` (children, their children...), from one reading of the table. */
export const descendantsOf = (pid: number, table = processTable()): ProcessEntry[] => {
  const found: ProcessEntry[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of table) {
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        grew = true;
      }
    }
  }
  return found;
};

/** Those of `processes` that still run (same pid, same start time, not a zombie). */
export const stillRunning = (processes: ProcessEntry[], table = processTable()): ProcessEntry[] =>
  processes.filter((process) =>
    table.some(
      (entry) => entry.pid === process.pid && entry.startTime === process.startTime && entry.state !== 'Z',
    ),
  );
