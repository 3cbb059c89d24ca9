import type { EChartsCoreOption } from 'echarts/core';
import { formats, type AppLanguage } from './lib/format';

/** Ten colours told apart with the common kinds of colour blindness (Okabe–Ito, then Tol's muted). */
export const SEGMENT_COLOURS = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#332288',
  '#882255',
  '#999933',
];

/** A light-to-dark blue for a share of a feature's range (0…1). */
export function sequentialColour(share: number): string {
  const s = Math.min(1, Math.max(0, share));
  const from = [222, 235, 247];
  const to = [8, 48, 107];
  const channel = (i: number) => Math.round(from[i] + (to[i] - from[i]) * s);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

export const NO_VALUE_COLOUR = '#d9d9d9';

export interface Shade {
  colour: string;
  /** What the tooltip says about the region: its segment, its value. */
  lines: string[];
}

/**
 * The map series: every district drawn, in its colour, keyed by code (the geometry's `code` property). A district
 * without a shade is drawn grey.
 */
export function mapOption(
  mapName: string,
  names: Map<string, string>,
  shades: Map<string, Shade>,
): EChartsCoreOption {
  const data = [...names].map(([code, name]) => {
    const shade = shades.get(code);
    return {
      name: code,
      regionName: name,
      lines: shade?.lines ?? [],
      itemStyle: { areaColor: shade?.colour ?? NO_VALUE_COLOUR },
    };
  });
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      renderMode: 'richText',
      formatter: (p: { data?: { regionName: string; lines: string[] } }) =>
        p.data ? [p.data.regionName, ...p.data.lines].join('\n') : '',
    },
    series: [
      {
        type: 'map',
        map: mapName,
        nameProperty: 'code',
        roam: false,
        selectedMode: false,
        label: { show: false },
        itemStyle: { borderColor: '#ffffff', borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffbf00' } },
        data,
      },
    ],
  };
}

/** The range of the values present, for the legend and the colours. */
export function range(values: (number | null)[]): { min: number; max: number } | null {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (present.length === 0) return null;
  return { min: Math.min(...present), max: Math.max(...present) };
}

/** A value as the language writes it, to two decimals; '–' for none. */
export function formatValue(value: number | null | undefined, language: AppLanguage): string {
  return typeof value === 'number' ? formats(language).number(value, 2) : '–';
}

/**
 * A feature as people read it: its catalogue label, with its unit when the label does not already name it
 * ("Arbeitslosenquote - insgesamt (%)").
 */
export const featureName = (f: { label: string; unit?: string | null }) =>
  f.unit && !f.label.includes(f.unit) ? `${f.label} (${f.unit})` : f.label;

/** A value with its unit: "4.966,1 EW je km²". */
export const valueWithUnit = (
  value: number | null | undefined,
  unit: string | null | undefined,
  language: AppLanguage,
) =>
  typeof value === 'number' && unit
    ? `${formatValue(value, language)} ${unit}`
    : formatValue(value, language);

interface NamedSegment {
  name: string | null;
  label: { de: string; en: string };
}

/** A segment as people read it: the strategist's name, else its generated label in the language shown. */
export const segmentName = (s: NamedSegment, language: 'de' | 'en') => s.name ?? s.label[language];

export const segmentColour = (index: number) => SEGMENT_COLOURS[index % SEGMENT_COLOURS.length];

/** Every member district in its segment's colour, and the legend's items. */
export function segmentShades(
  segments: (NamedSegment & { index: number; size: number; regions: { code: string }[] })[],
  language: 'de' | 'en',
  segmentWord: string,
) {
  const shades = new Map<string, Shade>();
  const segmentOf = new Map<string, string>();
  const items = segments.map((s) => ({
    colour: segmentColour(s.index),
    label: segmentName(s, language),
    size: s.size,
  }));
  segments.forEach((s, i) => {
    for (const r of s.regions) {
      segmentOf.set(r.code, items[i].label);
      shades.set(r.code, { colour: items[i].colour, lines: [`${segmentWord}: ${items[i].label}`] });
    }
  });
  return { shades, segmentOf, items };
}

/**
 * Colours for the segments of another run set beside this one (a comparison): each takes the colour of the segment
 * of this run it shares most members with, unless a larger flow took that colour first; the others take colours this
 * run does not use. So one colour stands for one segment and its successor, never for two unrelated segments.
 */
export function successorColours(
  flows: { from: number; to: number; count: number }[],
  ours: number[],
  theirs: number[],
): Map<number, string> {
  const colourIndex = new Map<number, number>();
  const taken = new Set<number>();
  for (const f of [...flows].sort((a, b) => b.count - a.count || a.from - b.from || a.to - b.to)) {
    if (colourIndex.has(f.to) || taken.has(f.from) || !ours.includes(f.from)) continue;
    colourIndex.set(f.to, f.from);
    taken.add(f.from);
  }
  const used = new Set(ours.map((i) => i % SEGMENT_COLOURS.length));
  let next = 0;
  for (const index of [...theirs].sort((a, b) => a - b)) {
    if (colourIndex.has(index)) continue;
    while (used.has(next % SEGMENT_COLOURS.length) && used.size < SEGMENT_COLOURS.length) next++;
    used.add(next % SEGMENT_COLOURS.length);
    colourIndex.set(index, next++);
  }
  return new Map([...colourIndex].map(([index, colour]) => [index, segmentColour(colour)]));
}
