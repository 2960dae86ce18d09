/**
 * Structured logs: one JSON object per line on stdout (errors and warnings on stderr), so log
 * shippers need no parser and tests can read the lines back.
 */

export const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
export type Level = keyof typeof LEVELS;
export type Fields = Record<string, unknown>;

export interface Logger {
  error(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  child(bindings: Fields): Logger;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function createLogger(
  level: Level = "info",
  bindings: Fields = {},
  write: (line: string, level: Level) => void = (line, lvl) =>
    (lvl === "error" || lvl === "warn" ? process.stderr : process.stdout).write(`${line}\n`),
): Logger {
  const emit = (lvl: Level, msg: string, fields: Fields = {}) => {
    if (LEVELS[lvl] > LEVELS[level]) return;
    const record = { time: new Date().toISOString(), level: lvl, msg, ...bindings, ...fields };
    write(JSON.stringify(record, (_key, value) => serialise(value)), lvl);
  };
  return {
    error: (msg, fields) => emit("error", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    debug: (msg, fields) => emit("debug", msg, fields),
    child: (more) => createLogger(level, { ...bindings, ...more }, write),
  };
}
