/**
 * ATS history per channel arrives as change points at each channel's own times; a line chart
 * plots every series against one shared x axis, so the channels are resampled onto common times.
 */
export interface HistoryPoint {
  at: string;
  ats: number;
}

export interface ChannelHistory {
  channel: string;
  points: readonly HistoryPoint[];
}

export interface ChartSeries {
  name: string;
  data: { key: string; value: number | null }[];
}

/**
 * `samples` evenly spaced times from the first recorded change to `until`; each channel holds its
 * last known ATS at each time (ATS is a step function) and is null before its first change.
 */
export function resampleAtsHistory(history: readonly ChannelHistory[], until: Date, samples = 48): ChartSeries[] {
  if (!Number.isInteger(samples) || samples < 2) throw new Error(`samples must be an integer of at least 2, got ${samples}`);
  const parsed = history.map((h) => ({
    name: h.channel,
    points: h.points.map((p) => ({ t: new Date(p.at).getTime(), ats: p.ats })).sort((a, b) => a.t - b.t),
  }));
  const all = parsed.flatMap((s) => s.points.map((p) => p.t));
  if (all.length === 0) return [];
  const t0 = Math.min(...all);
  const t1 = Math.max(until.getTime(), ...all);
  const times = t1 === t0 ? [t0] : Array.from({ length: samples }, (_, i) => Math.round(t0 + ((t1 - t0) * i) / (samples - 1)));
  return parsed.map((s) => {
    let j = -1;
    return {
      name: s.name,
      data: times.map((t) => {
        while (j + 1 < s.points.length && s.points[j + 1].t <= t) j++;
        return { key: new Date(t).toISOString(), value: j >= 0 ? s.points[j].ats : null };
      }),
    };
  });
}
