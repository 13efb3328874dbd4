/**
 * The server-made bar chart (web/pages/bar-chart.ts): one accessible image with title and a
 * description that lists every value, a visible value and label per bar, bars in proportion,
 * escaped text, and nothing the CSP forbids (no style, no script).
 */
import { barChart, chartDescription } from '../../../web/pages/bar-chart';

const bars = [
  { label: 'jan. 26', longLabel: 'januar 2026', value: 2 },
  { label: 'feb. 26', longLabel: 'februar 2026', value: 0 },
  { label: 'mars 26', longLabel: 'mars 2026', value: 4 },
];

test('the SVG is one image named by its title and described by its desc, which lists every value', () => {
  const svg = barChart({ id: 'd1', title: 'Nye saker per måned', bars }).value;
  expect(svg).toMatch(/^<svg\s[^>]*role="img"[^>]*aria-labelledby="d1-tittel"\s+aria-describedby="d1-beskrivelse"/);
  expect(svg).toContain('<title id="d1-tittel">Nye saker per måned</title>');
  expect(svg).toContain('<desc id="d1-beskrivelse">januar 2026: 2, februar 2026: 0, mars 2026: 4.</desc>');
  expect(chartDescription(bars)).toBe('januar 2026: 2, februar 2026: 0, mars 2026: 4.');
});

test('every bar has its value and label as text, and heights are in proportion to the largest value', () => {
  const svg = barChart({ id: 'd', title: 't', bars }).value;
  const heights = [...svg.matchAll(/<rect [^>]*height="(\d+)"/g)].map((m) => Number(m[1]));
  expect(heights).toEqual([70, 0, 140]);
  const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  expect(texts).toEqual(['2', 'jan. 26', '0', 'feb. 26', '4', 'mars 26']);
});

test('all zero values draw empty bars without dividing by zero', () => {
  const svg = barChart({ id: 'd', title: 't', bars: bars.map((b) => ({ ...b, value: 0 })) }).value;
  expect([...svg.matchAll(/<rect [^>]*height="(\d+)"/g)].map((m) => m[1])).toEqual(['0', '0', '0']);
  expect(svg).not.toContain('NaN');
});

test('text is escaped, and the markup has no style or script for the CSP to block', () => {
  const svg = barChart({ id: 'd', title: '<b>Skole & co</b>', bars: [{ label: '<x>', longLabel: '"y"', value: 1 }] }).value;
  expect(svg).toContain('&lt;b&gt;Skole &amp; co&lt;/b&gt;');
  expect(svg).toContain('&lt;x&gt;');
  expect(svg).not.toMatch(/<b>|<x>|style=|<style|<script/);
});

test('the colours have at least 4.5:1 contrast against white', () => {
  const svg = barChart({ id: 'd', title: 't', bars }).value;
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const colours = new Set([...svg.matchAll(/(?:fill|stroke)="(#[0-9a-f]{6})"/g)].map((m) => m[1]!));
  expect(colours.size).toBeGreaterThan(0);
  for (const c of colours) expect([c, 1.05 / (luminance(c) + 0.05) >= 4.5]).toEqual([c, true]);
});
