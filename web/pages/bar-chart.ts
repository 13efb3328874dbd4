/**
 * A bar chart as inline SVG, made on the server: no chart library, no script, nothing the
 * Content Security Policy would block (presentation attributes, no `style`). Accessible: the SVG
 * is one image (`role="img"`) named by its <title> and described by its <desc>, which lists every
 * value, and every bar carries its value and label as visible text. The page puts the same numbers
 * in a table beside it for those who want to read or copy them.
 */
import { type SafeHtml, html } from '../html';

export interface Bar {
  /** Short text under the bar, e.g. «jan. 26». */
  label: string;
  /** Long text for the description, e.g. «januar 2026». */
  longLabel: string;
  value: number;
}

export interface BarChart {
  /** Unique on the page: prefixes the ids of <title> and <desc>. */
  id: string;
  title: string;
  bars: readonly Bar[];
}

/** Colours with at least 4.5:1 against white (WCAG 1.4.3 for the text, 1.4.11 for the bars). */
const BAR_COLOR = '#0b3d66';
const TEXT_COLOR = '#1b1b1b';
const AXIS_COLOR = '#4a4f55';

const SLOT = 56;
const BAR = 36;
const LEFT = 8;
const TOP = 24;
const PLOT = 140;
const BOTTOM = 28;

/** The chart's <desc>: every bar's long label and value, in order. */
export function chartDescription(bars: readonly Bar[]): string {
  return bars.map((b) => `${b.longLabel}: ${b.value}`).join(', ') + '.';
}

/** The chart as inline SVG markup. */
export function barChart(chart: BarChart): SafeHtml {
  const max = Math.max(1, ...chart.bars.map((b) => b.value));
  const width = LEFT * 2 + chart.bars.length * SLOT;
  const height = TOP + PLOT + BOTTOM;
  const baseline = TOP + PLOT;
  const titleId = `${chart.id}-tittel`;
  const descId = `${chart.id}-beskrivelse`;
  return html`<svg
    class="bar-chart"
    role="img"
    aria-labelledby="${titleId}"
    aria-describedby="${descId}"
    viewBox="0 0 ${width} ${height}"
    width="${width}"
    height="${height}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <title id="${titleId}">${chart.title}</title>
    <desc id="${descId}">${chartDescription(chart.bars)}</desc>
    ${chart.bars.map((b, i) => {
      const barHeight = Math.round((b.value / max) * PLOT);
      const x = LEFT + i * SLOT + (SLOT - BAR) / 2;
      const centre = LEFT + i * SLOT + SLOT / 2;
      return html`<g class="bar">
        <rect x="${x}" y="${baseline - barHeight}" width="${BAR}" height="${barHeight}" fill="${BAR_COLOR}"></rect>
        <text x="${centre}" y="${baseline - barHeight - 6}" text-anchor="middle" font-size="13" fill="${TEXT_COLOR}">${b.value}</text>
        <text x="${centre}" y="${baseline + 18}" text-anchor="middle" font-size="12" fill="${TEXT_COLOR}">${b.label}</text>
      </g>`;
    })}
    <line x1="${LEFT}" y1="${baseline}" x2="${width - LEFT}" y2="${baseline}" stroke="${AXIS_COLOR}" stroke-width="1"></line>
  </svg>`;
}
