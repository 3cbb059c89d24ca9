import { geometryProblem, readGeometryFile } from '../regions/geometry-file.js';
import { syntheticGeometry, syntheticShapes } from './synthetic-geometry.js';
import { syntheticRegions } from './synthetic-regions.js';

type Ring = number[][];

const signedArea = (ring: Ring) =>
  ring.slice(0, -1).reduce((sum, [x, y], i) => sum + x * ring[i + 1][1] - ring[i + 1][0] * y, 0) / 2;

function segmentsCross([a, b]: Ring, [c, d]: Ring): boolean {
  const orient = (p: number[], q: number[], r: number[]) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
}

/** No two edges of the ring cross (neighbouring edges share a point, which is not a crossing). */
function isSimple(ring: Ring): boolean {
  const edges = ring.slice(0, -1).map((p, i) => [p, ring[i + 1]]);
  return edges.every((e, i) => edges.every((f, j) => Math.abs(i - j) <= 1 || !segmentsCross(e, f)));
}

/** Strictly inside a convex counter-clockwise ring (a point on its border is not). */
const strictlyInside = (p: number[], ring: Ring) =>
  ring
    .slice(0, -1)
    .every(
      (a, i) => (ring[i + 1][0] - a[0]) * (p[1] - a[1]) - (ring[i + 1][1] - a[1]) * (p[0] - a[0]) > 1e-9,
    );

describe('the made-up country’s shapes', () => {
  const shapes = syntheticShapes(24, 7);

  it('has 24 valid polygons: closed, counter-clockwise, simple, in plausible central European degrees', () => {
    expect(shapes).toHaveLength(24);
    for (const ring of shapes) {
      expect(geometryProblem({ type: 'Polygon', coordinates: [ring] })).toBeNull();
      expect(signedArea(ring)).toBeGreaterThan(0);
      expect(isSimple(ring)).toBe(true);
      for (const [lon, lat] of ring) {
        expect(lon).toBeGreaterThan(5);
        expect(lon).toBeLessThan(17);
        expect(lat).toBeGreaterThan(47);
        expect(lat).toBeLessThan(55);
      }
    }
  });

  it('tiles the country: no district reaches into another, and the borders are shared', () => {
    for (const [i, a] of shapes.entries())
      for (const [j, b] of shapes.entries())
        if (i !== j) expect(a.some((p) => strictlyInside(p, b))).toBe(false);
    const corners = new Map<string, number>();
    for (const ring of shapes)
      for (const p of ring.slice(0, -1)) corners.set(String(p), (corners.get(String(p)) ?? 0) + 1);
    // Inner corners of a Voronoi tessellation belong to three cells.
    expect([...corners.values()].filter((n) => n >= 3).length).toBeGreaterThan(20);
  });

  it('is the same for the same seed and another for another seed; codes run north to south', () => {
    expect(syntheticShapes(24, 7)).toEqual(shapes);
    expect(syntheticShapes(24, 8)).not.toEqual(shapes);
    const north = (ring: Ring) => Math.max(...ring.map((p) => p[1]));
    expect(north(shapes[0])).toBeGreaterThan(north(shapes[23]));
  });

  it('writes a GeoJSON file the geometry import reads, with the districts’ codes and names', () => {
    const { regions } = syntheticRegions();
    const file = readGeometryFile(syntheticGeometry(regions));
    expect(file.problems).toEqual([]);
    expect(file.codeProperty).toBe('code');
    expect(file.features.map((f) => [f.code, f.name])).toEqual(regions.map((r) => [r.code, r.name]));
    expect(file.attribution).toMatch(/synthetic/);
  });
});
