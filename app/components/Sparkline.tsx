/** A small inline SVG line of values over time (no chart library): ATS history on the product view. */
export interface SparkPoint {
  at: string;
  value: number;
}

export function Sparkline({ points, width = 160, height = 36, label }: { points: readonly SparkPoint[]; width?: number; height?: number; label: string }) {
  if (points.length === 0) return <span aria-label={label}>no history yet</span>;
  const series = points.length === 1 ? [points[0], { ...points[0], at: new Date().toISOString() }] : points;
  const times = series.map((p) => new Date(p.at).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const max = Math.max(1, ...series.map((p) => p.value));
  const pad = 2;
  const x = (t: number) => pad + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  // A step line: ATS holds its value until the next change.
  let d = `M${x(times[0]).toFixed(1)},${y(series[0].value).toFixed(1)}`;
  for (let i = 1; i < series.length; i++) {
    d += ` H${x(times[i]).toFixed(1)} V${y(series[i].value).toFixed(1)}`;
  }
  const last = series[series.length - 1];
  return (
    <svg role="img" aria-label={`${label}: ${points.length} changes, now ${last.value}, peak ${max}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <title>{`${label}: now ${last.value}, peak ${max}`}</title>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="#d4d4d4" strokeWidth="1" />
      <path d={d} fill="none" stroke="#2c6ecb" strokeWidth="1.5" />
      <circle cx={x(times[times.length - 1])} cy={y(last.value)} r="2.5" fill="#2c6ecb" />
    </svg>
  );
}
