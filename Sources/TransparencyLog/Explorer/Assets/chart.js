// The entries-per-hour chart, drawn as inline SVG from numbers (no charting library).
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function activityChart({ start, bucketSeconds, counts }) {
  const width = 720, height = 180, left = 40, bottom = 24, top = 10;
  const max = Math.max(1, ...counts);
  const barWidth = (width - left) / counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'chart' });
  chart.append(svg('title', { id: 'chart-title' }, 'Entries per hour'),
    svg('desc', { id: 'chart-desc' }, `${total} entries over the last ${counts.length} hours; at most ${max} in one hour.`));
  const plot = height - bottom - top;
  chart.append(svg('line', { x1: left, y1: top + plot, x2: width, y2: top + plot, class: 'axis' }),
    svg('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', class: 'label' }, String(max)),
    svg('text', { x: left - 4, y: top + plot, 'text-anchor': 'end', class: 'label' }, '0'));
  counts.forEach((count, k) => {
    const h = (count / max) * plot;
    const begins = new Date((start + k * bucketSeconds) * 1000);
    const bar = svg('rect', { x: left + k * barWidth + 1, y: top + plot - h, width: Math.max(1, barWidth - 2), height: h, class: 'bar' });
    bar.append(svg('title', {}, `${begins.toISOString().slice(0, 13).replace('T', ' ')}:00 UTC: ${count}`));
    chart.append(bar);
    if (begins.getUTCHours() === 0) {
      const x = left + k * barWidth;
      chart.append(svg('text', { x, y: height - 6, class: 'label', 'text-anchor': x > width - 40 ? 'end' : 'start' }, begins.toISOString().slice(5, 10)));
    }
  });
  return chart;
}
