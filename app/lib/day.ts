/** The calendar day (YYYY-MM-DD) of an instant in a time zone; unknown zones fall back to UTC. */

// One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting.
const dayFormats = new Map<string, Intl.DateTimeFormat | null>();

export function dayIn(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      f = null;
    }
    dayFormats.set(timeZone, f);
  }
  return f === null ? at.toISOString().slice(0, 10) : f.format(at);
}
