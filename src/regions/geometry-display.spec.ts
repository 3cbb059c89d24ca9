import { feature } from 'topojson-client';
import { displayTopology, etagOf, matchesEtag, type RegionShape } from './geometry-display.js';

/** A ring from (x0, y0) to (x1, y1), its south edge drawn with `wiggles` tiny zigzags. */
function box(x0: number, y0: number, x1: number, y1: number, wiggles = 0): number[][] {
  const south = Array.from({ length: wiggles }, (_, i) => [
    x0 + ((x1 - x0) * (i + 1)) / (wiggles + 1),
    y0 + (i % 2 ? 0.00001 : -0.00001),
  ]);
  return [[x0, y0], ...south, [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
}

const shapes: RegionShape[] = [
  {
    id: 'a',
    code: '1',
    name: 'West',
    geometry: { type: 'Polygon', coordinates: [box(10, 50, 11, 51, 200)] },
  },
  {
    id: 'b',
    code: '2',
    name: 'East',
    geometry: {
      type: 'MultiPolygon',
      coordinates: [[box(11, 50, 12, 51)], [box(12.5, 50.2, 12.7, 50.4)]],
    },
  },
];

describe('the display document', () => {
  const topology = displayTopology(shapes, '© Somebody');
  const decoded = feature(topology, topology.objects.regions);

  it('carries each region’s id, code and name, and whom to credit', () => {
    expect(decoded.features.map((f) => f.properties)).toEqual([
      { id: 'a', code: '1', name: 'West' },
      { id: 'b', code: '2', name: 'East' },
    ]);
    expect(decoded.features.map((f) => f.geometry.type)).toEqual(['Polygon', 'MultiPolygon']);
    expect(topology.source).toBe('© Somebody');
    expect(displayTopology(shapes, null)).not.toHaveProperty('source');
  });

  it('drops detail no map of the whole set can show, and keeps the outline', () => {
    const west = decoded.features[0].geometry.coordinates as number[][][];
    expect(west[0].length).toBeLessThan(10);
    expect(topology.bbox).toEqual([10, 49.99999, 12.7, 51]);
    const xs = west[0].map((p) => p[0]);
    expect(Math.min(...xs)).toBeCloseTo(10, 4);
    expect(Math.max(...xs)).toBeCloseTo(11, 4);
  });

  it('stores a border two regions share once, as integers', () => {
    expect(topology.arcs.flat(2).every(Number.isInteger)).toBe(true);
    const geometries = (topology.objects.regions as { geometries: { arcs: unknown[] }[] }).geometries;
    const [west, east] = geometries.map(
      (g) => new Set((g.arcs.flat(2) as number[]).map((i) => (i < 0 ? ~i : i))),
    );
    expect([...west].filter((arc) => east.has(arc))).toHaveLength(1);
  });

  it('gives the same document and tag for the same shapes, another tag for others', () => {
    expect(etagOf(displayTopology(shapes, '© Somebody'))).toBe(etagOf(topology));
    expect(etagOf(displayTopology(shapes.slice(0, 1), '© Somebody'))).not.toBe(etagOf(topology));
    expect(etagOf(topology)).toMatch(/^"[\w-]{27}"$/);
  });
});

describe('If-None-Match', () => {
  const tag = '"abc"';
  it.each([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
    ['abc', false],
  ])('%j matches: %s', (header, matches) => expect(matchesEtag(header, tag)).toBe(matches));
});
