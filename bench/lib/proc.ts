import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** utime + stime of a process and every process below it, in ms, from /proc (Linux). */
export function treeCpuMs(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let raw: string;
    try {
      raw = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command (which may hold spaces and parentheses): state ppid ... utime(14) stime(15).
    const f = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
  }
  let ticks = 0;
  const stack = [rootPid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) stack.push(child);
  }
  return ticks * TICK_MS;
}

/** The machine line every benchmark prints. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `machine: ${cpus[0]?.model ?? "unknown cpu"}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()}`;
}
