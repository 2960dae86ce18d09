import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "/usr/bin/redis-server";

export interface RestartOptions {
  /** Write an RDB snapshot on the way down and load it on the way up. Default false: everything
   * in Redis is lost, as after a crash of a server without persistence. */
  keepData?: boolean;
}

export interface RedisHandle {
  url: string;
  /** True when the URL came from REDIS_URL and nothing was started. */
  external: boolean;
  /** Stops the server and starts it again on the same port (same URL). */
  restart(options?: RestartOptions): Promise<void>;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Default: a free port. */
  port?: number;
  /** Use REDIS_URL instead of starting a server when it is set. Default true. */
  reuseEnv?: boolean;
}

/** Starts /usr/bin/redis-server on a free loopback port (daemonized, stopped by pid), or reuses REDIS_URL. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisHandle> {
  const envUrl = process.env.REDIS_URL;
  if ((options.reuseEnv ?? true) && envUrl) {
    return {
      url: envUrl,
      external: true,
      async restart() {
        throw new Error("restart() is not available for the Redis named by REDIS_URL: this process did not start it");
      },
      async stop() {},
    };
  }
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} not found: install it with scripts/lib/ensure-system.sh (apt-get install -y redis-server)`);
  }

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ringfence-redis-"));
  const pidFile = path.join(dir, "redis.pid");
  const logFile = path.join(dir, "redis.log");

  let port = options.port ?? 0;
  const attempts = options.port ? 1 : 3;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (!options.port) port = await freePort();
    try {
      await launch(port, dir, pidFile, logFile);
      lastError = undefined;
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (lastError) {
    await fs.rm(dir, { recursive: true, force: true });
    throw lastError;
  }

  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    external: false,
    async restart(restartOptions: RestartOptions = {}) {
      if (stopped) throw new Error("restart() after stop()");
      await shutdown(port, pidFile, restartOptions.keepData ?? false);
      if (!restartOptions.keepData) await fs.rm(path.join(dir, "dump.rdb"), { force: true });
      await launch(port, dir, pidFile, logFile);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown(port, pidFile, false);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string, pidFile: string, logFile: string): Promise<void> {
  // Another server answering on the port would pass the PING check below.
  if (await listening(port)) throw new Error(`redis-server cannot start: port ${port} is already in use`);
  await fs.rm(pidFile, { force: true });
  const result = spawnSync(
    REDIS_SERVER,
    [
      "--port", String(port),
      "--bind", "127.0.0.1",
      "--save", "",
      "--appendonly", "no",
      // BullMQ requires it: evicting a queue key would lose jobs silently.
      "--maxmemory-policy", "noeviction",
      "--daemonize", "yes",
      "--pidfile", pidFile,
      "--logfile", logFile,
      "--dir", dir,
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(`redis-server exited with ${result.status}: ${result.stderr || result.stdout}`);
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await ping(port)) return;
    const pid = readPid(pidFile);
    if (pid !== undefined && !processAlive(pid)) break;
    await sleep(25);
  }
  const pid = readPid(pidFile);
  if (pid && processAlive(pid)) process.kill(pid, "SIGKILL");
  const log = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n") : "";
  throw new Error(`redis-server on port ${port} did not answer PING. Log:\n${log}`);
}

async function shutdown(port: number, pidFile: string, save: boolean): Promise<void> {
  const pid = readPid(pidFile);
  if (!pid || !processAlive(pid)) return;
  if (save) {
    await command(port, "SHUTDOWN SAVE").catch(() => undefined);
  } else {
    process.kill(pid, "SIGTERM");
  }
  const deadline = Date.now() + 10_000;
  // Redis removes its pid file once it has closed its sockets; the process itself can linger a
  // second or more after that, which nothing needs to wait for.
  while (processAlive(pid) && (existsSync(pidFile) || (await ping(port)))) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      await sleep(50);
      break;
    }
    await sleep(20);
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

function ping(port: number): Promise<boolean> {
  return command(port, "PING").then(
    (reply) => reply.startsWith("+PONG"),
    () => false,
  );
}

/** Sends one inline command and resolves with the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let data = "";
    socket.setTimeout(1_000);
    socket.on("connect", () => socket.write(`${line}\r\n`));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      if (data.includes("\r\n")) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("timeout", () => {
      socket.destroy();
      reject(new Error("timeout"));
    });
    socket.on("error", reject);
    // SHUTDOWN closes the connection without a reply.
    socket.on("close", () => resolve(data));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
