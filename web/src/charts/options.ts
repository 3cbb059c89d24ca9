import type { EChartsCoreOption } from 'echarts/core';

/** Blue below the mean, white at it, red above: for standard scores and template scores. */
const DIVERGING = ['#4393c3', '#f7f7f7', '#d6604d'];
/** From none to the most: light to the app's colour. */
const SEQUENTIAL = ['#ffffff', '#f2c6d4', '#e0869f'];

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Inertia and silhouette against k, the chosen k marked by a line and each near tie by a diamond. */
export function kChartOption(
  rows: { k: number; inertia: number; silhouette: number }[],
  chosen: number,
  nearTies: number[],
  words: { silhouette: string; inertia: string; chosen: string; nearTie: string },
): EChartsCoreOption {
  const ks = rows.map((r) => String(r.k));
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [words.silhouette, words.inertia], top: 0 },
    grid: { left: 56, right: 72, top: 48, bottom: 36 },
    xAxis: { type: 'category', name: 'k', data: ks },
    yAxis: [
      { type: 'value', name: words.silhouette, scale: true },
      { type: 'value', name: words.inertia, scale: true, splitLine: { show: false } },
    ],
    series: [
      {
        name: words.silhouette,
        type: 'line',
        yAxisIndex: 0,
        data: rows.map((r) => round(r.silhouette)),
        markLine: {
          symbol: 'none',
          lineStyle: { color: '#7a1f3d', width: 2 },
          label: { formatter: `${words.chosen}: k = ${chosen}`, color: '#1a1a1a' },
          data: [{ xAxis: String(chosen) }],
        },
        markPoint: {
          symbol: 'diamond',
          symbolSize: 16,
          itemStyle: { color: '#E69F00' },
          label: { show: true, position: 'top', formatter: `${words.nearTie}`, color: '#1a1a1a' },
          data: rows
            .filter((r) => nearTies.includes(r.k))
            .map((r) => ({ coord: [String(r.k), round(r.silhouette)], name: `${words.nearTie} k = ${r.k}` })),
        },
      },
      {
        name: words.inertia,
        type: 'line',
        yAxisIndex: 1,
        lineStyle: { type: 'dashed' },
        data: rows.map((r) => round(r.inertia, 1)),
      },
    ],
  };
}

/** Room under a heatmap for its column names, turned upright and wrapped. */
const HEATMAP_BOTTOM = 200;
/** Room for a heatmap's row names, wrapped; and the height of one row. */
const HEATMAP_LEFT = 184;
const HEATMAP_ROW = 60;

/** The height a heatmap of `rows` rows needs: each row's name wrapped on up to four lines, the column names below. */
export const heatmapHeight = (rows: number) => 8 + rows * HEATMAP_ROW + HEATMAP_BOTTOM;

/**
 * A matrix of scores as a heatmap: columns × rows, each cell labelled with its value. Names are never cut short:
 * they wrap (column names upright), and the tooltip says them whole. Scores run from −limit to limit; `share`: they
 * are shares from 0 to `limit`, shown as percentages, light to dark.
 */
export function heatmapOption(
  columns: string[],
  rows: string[],
  cells: (number | null)[][],
  limit: number,
  language: string,
  share = false,
): EChartsCoreOption {
  const data = cells.flatMap((row, i) =>
    row.map((value, j) => [j, i, value === null ? '-' : round(value, share ? 4 : 2)] as const),
  );
  const shown = (value: number | string) =>
    typeof value !== 'number'
      ? value
      : value.toLocaleString(
          language,
          share ? { style: 'percent', maximumFractionDigits: 1 } : { maximumFractionDigits: 2 },
        );
  return {
    animation: false,
    tooltip: {
      position: 'top',
      formatter: (p: { value: [number, number, number | string] }) =>
        `${rows[p.value[1]]}<br/>${columns[p.value[0]]}: ${shown(p.value[2])}`,
    },
    grid: { left: HEATMAP_LEFT, right: 16, top: 8, bottom: HEATMAP_BOTTOM },
    xAxis: {
      type: 'category',
      data: columns,
      axisLabel: {
        rotate: 90,
        interval: 0,
        fontSize: 11,
        lineHeight: 13,
        width: HEATMAP_BOTTOM - 56,
        overflow: 'break',
      },
    },
    yAxis: {
      type: 'category',
      data: rows,
      inverse: true,
      axisLabel: { width: HEATMAP_LEFT - 12, overflow: 'break', fontSize: 12, lineHeight: 14 },
    },
    visualMap: {
      min: share ? 0 : -limit,
      max: limit,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: share ? SEQUENTIAL : DIVERGING },
      textStyle: { color: '#1a1a1a' },
      formatter: (value: number) => shown(round(value, share ? 4 : 2)),
    },
    series: [
      {
        type: 'heatmap',
        data,
        label: {
          show: true,
          fontSize: 11,
          color: '#1a1a1a',
          formatter: (p: { value: [number, number, number | string] }) => shown(p.value[2]),
        },
      },
    ],
  };
}

/**
 * A waterfall: each part floats from the sum of the parts before it to the sum with it (positive ones up in green,
 * negative ones down in red), and the last bar is the total from zero.
 */
export function waterfallOption(
  parts: { label: string; value: number }[],
  totalLabel: string,
): EChartsCoreOption {
  let sum = 0;
  const base: number[] = [];
  const height: { value: number; itemStyle: { color: string } }[] = [];
  for (const part of parts) {
    const end = sum + part.value;
    base.push(round(Math.min(sum, end), 6));
    height.push({
      value: round(Math.abs(part.value), 6),
      itemStyle: { color: part.value >= 0 ? '#1b7837' : '#b2182b' },
    });
    sum = end;
  }
  base.push(round(Math.min(0, sum), 6));
  height.push({ value: round(Math.abs(sum), 6), itemStyle: { color: '#7a1f3d' } });
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: [...parts.map((p) => p.label), totalLabel],
      axisLabel: { interval: 0, fontSize: 11, lineHeight: 13, width: 76, overflow: 'break' },
    },
    yAxis: { type: 'value' },
    series: [
      {
        type: 'bar',
        stack: 'waterfall',
        stackStrategy: 'all',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: base,
      },
      { type: 'bar', stack: 'waterfall', stackStrategy: 'all', data: height },
    ],
  };
}

/** One side's segment in a Sankey diagram: its name and colour. */
export interface SankeyNode {
  id: string;
  name: string;
  colour: string;
}

/**
 * Members flowing from the segments of one run (left) to those of another (right). Each side's names sit inside the
 * diagram, towards the middle, wrapped rather than cut; one colour is one segment (see `successorColours`).
 */
export function sankeyOption(
  left: SankeyNode[],
  right: SankeyNode[],
  flows: { from: string; to: string; count: number }[],
  labelWidth: number,
): EChartsCoreOption {
  const names = new Map([...left, ...right].map((n) => [n.id, n.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: {
        dataType: string;
        data: { name?: string; source?: string; target?: string; value?: number };
      }) =>
        p.dataType === 'edge'
          ? `${nameOf(p.data.source!)} → ${nameOf(p.data.target!)}: ${p.data.value}`
          : nameOf(p.data.name!),
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        nodeGap: 14,
        nodeAlign: 'justify',
        layoutIterations: 0,
        data: [...left, ...right].map((n) => ({ name: n.id, itemStyle: { color: n.colour } })),
        links: flows.map((f) => ({ source: f.from, target: f.to, value: f.count })),
        lineStyle: { color: 'source', opacity: 0.35 },
        label: {
          color: '#1a1a1a',
          fontSize: 12,
          lineHeight: 15,
          width: labelWidth,
          overflow: 'break',
          textBorderColor: '#ffffff',
          textBorderWidth: 3,
          formatter: (p: { name: string }) => nameOf(p.name),
        },
        levels: [
          { depth: 0, label: { position: 'right' } },
          { depth: 1, label: { position: 'left' } },
        ],
      },
    ],
  };
}
