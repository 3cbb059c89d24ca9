import type { EChartsCoreOption } from 'echarts/core';

const KEPT = '#7a1f3d';
const DROPPED = '#E69F00';

/** One bar of the funnel: who is still in after a step, and whom it excluded. */
export interface FunnelRow {
  label: string;
  remaining: number;
  excluded: number;
}

/**
 * The exclusion funnel as horizontal bars, first row on top: what remains after each step (solid) and what the step
 * excluded (stacked beside it, in another colour), each with its number. The numbers are the API's, drawn as given.
 */
export function funnelOption(
  rows: FunnelRow[],
  words: { remaining: string; excluded: string },
  language: string,
): EChartsCoreOption {
  const number = (v: number) => v.toLocaleString(language);
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: [words.remaining, words.excluded], top: 0, textStyle: { color: '#1a1a1a' } },
    grid: { left: 8, right: 56, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.label),
      axisLabel: { width: 130, overflow: 'truncate', color: '#1a1a1a' },
    },
    series: [
      {
        name: words.remaining,
        type: 'bar',
        stack: 'funnel',
        itemStyle: { color: KEPT },
        label: {
          show: true,
          position: 'insideLeft',
          color: '#ffffff',
          formatter: (p: { value: number }) => (p.value ? number(p.value) : ''),
        },
        data: rows.map((r) => r.remaining),
      },
      {
        name: words.excluded,
        type: 'bar',
        stack: 'funnel',
        itemStyle: { color: DROPPED },
        label: {
          show: true,
          position: 'right',
          color: '#1a1a1a',
          formatter: (p: { value: number }) => (p.value ? `−${number(p.value)}` : ''),
        },
        data: rows.map((r) => r.excluded),
      },
    ],
  };
}

/**
 * The rate achieved per bucket (messages handed over ÷ bucket seconds) as a line, beside the configured rate as a
 * dashed one (none when unlimited).
 */
export function rateOption(
  buckets: { at: string; sent: number }[],
  bucketSeconds: number,
  configured: number | null,
  words: { achieved: string; configured: string; perSecond: string },
  language: string,
): EChartsCoreOption {
  const times = buckets.map((b) =>
    new Date(b.at).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  );
  const achieved = buckets.map((b) => Math.round((b.sent / bucketSeconds) * 100) / 100);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: [words.achieved], top: 0, textStyle: { color: '#1a1a1a' } },
    grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: times,
      boundaryGap: buckets.length < 2,
      axisLabel: { hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: words.perSecond,
      nameTextStyle: { align: 'left', color: '#1a1a1a' },
      min: 0,
      // The configured rate stays in view even while the achieved one is far below it.
      max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, configured ?? 0) * 1.1) || 1,
    },
    series: [
      {
        name: words.achieved,
        type: 'line',
        showSymbol: buckets.length < 40,
        itemStyle: { color: KEPT },
        lineStyle: { color: KEPT, width: 2 },
        data: achieved,
        ...(configured !== null && {
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { type: 'dashed', color: '#0072B2', width: 2 },
            label: {
              position: 'insideEndTop',
              color: '#1a1a1a',
              formatter: `${words.configured}: ${configured.toLocaleString(language)}`,
            },
            data: [{ yAxis: configured }],
          },
        }),
      },
    ],
  };
}

/** A wave's messages handed over, delivered and bounced per minute or hour, one line each. */
export function resultsOption(
  buckets: { at: string; handedOver: number; delivered: number; bounced: number }[],
  step: 'minute' | 'hour',
  words: { handedOver: string; delivered: string; bounced: string },
  language: string,
): EChartsCoreOption {
  const times = buckets.map((b) =>
    step === 'minute'
      ? new Date(b.at).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' })
      : new Date(b.at).toLocaleString(language, { day: 'numeric', month: 'short', hour: '2-digit' }),
  );
  const line = (name: string, color: string, data: number[]) => ({
    name,
    type: 'line',
    showSymbol: buckets.length < 40,
    itemStyle: { color },
    lineStyle: { color, width: 2 },
    data,
  });
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: '#1a1a1a' } },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: times,
      boundaryGap: buckets.length < 2,
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', min: 0, minInterval: 1 },
    series: [
      line(
        words.handedOver,
        KEPT,
        buckets.map((b) => b.handedOver),
      ),
      line(
        words.delivered,
        '#0072B2',
        buckets.map((b) => b.delivered),
      ),
      line(
        words.bounced,
        DROPPED,
        buckets.map((b) => b.bounced),
      ),
    ],
  };
}
