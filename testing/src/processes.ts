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

export const processTable = (): ProcessEntry[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const stat = read(`/proc/${name}/stat`);
      if (!stat) return [];
      // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
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
