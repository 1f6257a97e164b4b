// A small SVG bar chart of "chview better by N×" per step, log scale, with each step's
// target marked (green bar = target met). No dependencies: the SVG is written by hand.

const WIDTH = 760;
const LABEL_WIDTH = 300;
const BAR_HEIGHT = 22;
const GAP = 8;
const TOP = 40;
const MIN_RATIO = 0.01;
const MAX_RATIO = 1000;

const escape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

// rows: [{ label, ratio, target }] (ratio: how many times faster / smaller chview is).
export function ratioSvg(title, rows) {
  const plotWidth = WIDTH - LABEL_WIDTH - 60;
  const x = (r) => {
    const clamped = Math.min(MAX_RATIO, Math.max(MIN_RATIO, r));
    const span = Math.log10(MAX_RATIO) - Math.log10(MIN_RATIO);
    return LABEL_WIDTH + ((Math.log10(clamped) - Math.log10(MIN_RATIO)) / span) * plotWidth;
  };
  const height = TOP + rows.length * (BAR_HEIGHT + GAP) + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  const axisY = TOP + rows.length * (BAR_HEIGHT + GAP);
  for (let p = Math.log10(MIN_RATIO); p <= Math.log10(MAX_RATIO); ++p) {
    const r = 10 ** p;
    const gx = x(r).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${TOP - 5}" x2="${gx}" y2="${axisY}" stroke="${r === 1 ? "#333" : "#ddd"}"/>`);
    parts.push(`<text x="${gx}" y="${axisY + 15}" text-anchor="middle">${r >= 1 ? r : r.toFixed(-p)}×</text>`);
  }
  parts.push(`<text x="${LABEL_WIDTH}" y="${axisY + 32}">chview faster / smaller by (log scale); | = target; green = met</text>`);
  rows.forEach((row, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const met = row.ratio >= row.target;
    const x0 = x(1);
    const x1 = x(row.ratio);
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escape(row.label)}</text>`);
    if (Number.isFinite(row.ratio)) {
      parts.push(`<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y}" width="${Math.abs(x1 - x0).toFixed(1)}" height="${BAR_HEIGHT}" fill="${met ? "#3a3" : "#d44"}"/>`);
      const label = row.ratio >= 10 ? row.ratio.toFixed(0) : row.ratio.toFixed(row.ratio >= 1 ? 1 : 2);
      parts.push(`<text x="${(Math.max(x0, x1) + 4).toFixed(1)}" y="${y + 15}">${label}×</text>`);
    }
    const tx = x(row.target).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${y - 2}" x2="${tx}" y2="${y + BAR_HEIGHT + 2}" stroke="black" stroke-width="2"/>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
