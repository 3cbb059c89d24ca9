import { Delaunay } from 'd3-delaunay';
import { seededRandom } from '../common/random.js';

type Point = [number, number];

/** Where the made-up country lies, and how far it reaches from there (km east–west, north–south). */
const CENTRE = { lon: 10.9, lat: 50.7 };
const RADIUS_KM = { x: 170, y: 125 };
const OUTLINE_VERTICES = 90;
const RELAXATIONS = 3;
const KM_PER_DEGREE_LAT = 110.57;
const KM_PER_DEGREE_LON = 111.32 * Math.cos((CENTRE.lat * Math.PI) / 180);

/**
 * A made-up outline: an oval with a few gentle bulges. The bulges are small enough to keep it convex (for a polar
 * curve r(θ) that holds while r − r″ > 0), so every Voronoi cell clipped to it is one convex piece.
 */
function outline(random: () => number): Point[] {
  const waves = [
    { k: 2, a: 0.03 + 0.03 * random(), phase: 2 * Math.PI * random() },
    { k: 3, a: 0.015 + 0.015 * random(), phase: 2 * Math.PI * random() },
    { k: 5, a: 0.01 * random(), phase: 2 * Math.PI * random() },
  ];
  return Array.from({ length: OUTLINE_VERTICES }, (_, i) => {
    const theta = (2 * Math.PI * i) / OUTLINE_VERTICES;
    const r = 1 + waves.reduce((sum, w) => sum + w.a * Math.cos(w.k * theta + w.phase), 0);
    return [RADIUS_KM.x * r * Math.cos(theta), RADIUS_KM.y * r * Math.sin(theta)];
  });
}

/** Twice the signed area (positive when counter-clockwise) of an open or closed ring. */
function doubleArea(ring: Point[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [a, b] = [ring[i], ring[(i + 1) % ring.length]];
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/** How far p lies on the inner side of the edge a→b of a ring turning `turn` (1 counter-clockwise, −1 not). */
const side = (turn: number, a: Point, b: Point, p: Point) =>
  turn * ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]));

function inside(p: Point, convex: Point[]): boolean {
  const turn = Math.sign(doubleArea(convex));
  return convex.every((a, i) => side(turn, a, convex[(i + 1) % convex.length], p) >= 0);
}

/** Sutherland–Hodgman: the part of `subject` inside the convex polygon `clip` (both open rings). */
function clipToConvex(subject: Point[], clip: Point[]): Point[] {
  const turn = Math.sign(doubleArea(clip));
  let out = subject;
  for (let i = 0; i < clip.length && out.length; i++) {
    const [a, b] = [clip[i], clip[(i + 1) % clip.length]];
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const [p, q] = [input[j], input[(j + 1) % input.length]];
      const [sp, sq] = [side(turn, a, b, p), side(turn, a, b, q)];
      if (sp >= 0) out.push(p);
      if (sp * sq < 0) {
        const t = sp / (sp - sq);
        out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
  }
  return out;
}

function centroid(ring: Point[]): Point {
  let [x, y, a] = [0, 0, 0];
  for (let i = 0; i < ring.length; i++) {
    const [p, q] = [ring[i], ring[(i + 1) % ring.length]];
    const cross = p[0] * q[1] - q[0] * p[1];
    [x, y, a] = [x + (p[0] + q[0]) * cross, y + (p[1] + q[1]) * cross, a + cross];
  }
  return [x / (3 * a), y / (3 * a)];
}

function cells(points: Point[], border: Point[]): Point[][] {
  const xs = border.map((p) => p[0]);
  const ys = border.map((p) => p[1]);
  const voronoi = Delaunay.from(points).voronoi([
    Math.min(...xs) - 1,
    Math.min(...ys) - 1,
    Math.max(...xs) + 1,
    Math.max(...ys) + 1,
  ]);
  return points.map((_, i) => clipToConvex(border, voronoi.cellPolygon(i)!.slice(0, -1)));
}

const toDegrees = ([x, y]: Point): Point => [
  Number((CENTRE.lon + x / KM_PER_DEGREE_LON).toFixed(5)),
  Number((CENTRE.lat + y / KM_PER_DEGREE_LAT).toFixed(5)),
];

/**
 * `count` made-up districts tiling a made-up country in central Europe: a Voronoi tessellation of seeded points
 * (evened out by a few Lloyd steps), clipped to the outline. Each is a closed, counter-clockwise ring of WGS84
 * positions (RFC 7946), ordered north to south. The same seed always gives the same shapes.
 */
export function syntheticShapes(count = 24, seed = 7): Point[][] {
  const random = seededRandom(seed);
  const border = outline(random);
  const xs = border.map((p) => p[0]);
  const ys = border.map((p) => p[1]);
  let points: Point[] = [];
  while (points.length < count) {
    const p: Point = [
      Math.min(...xs) + random() * (Math.max(...xs) - Math.min(...xs)),
      Math.min(...ys) + random() * (Math.max(...ys) - Math.min(...ys)),
    ];
    if (inside(p, border)) points.push(p);
  }
  for (let i = 0; i < RELAXATIONS; i++) points = cells(points, border).map(centroid);
  return cells(points, border)
    .map((cell) => ({ cell, at: centroid(cell) }))
    .sort((a, b) => b.at[1] - a.at[1] || a.at[0] - b.at[0])
    .map(({ cell }) => {
      const ring = (doubleArea(cell) > 0 ? cell : [...cell].reverse()).map(toDegrees);
      const distinct = ring.filter((p, i) => {
        const next = ring[(i + 1) % ring.length];
        return p[0] !== next[0] || p[1] !== next[1];
      });
      return [...distinct, distinct[0]];
    });
}

/** The districts' shapes as a GeoJSON FeatureCollection (properties `code` and `name`), one feature a line. */
export function syntheticGeometry(regions: { code: string; name: string }[], seed = 7): string {
  const shapes = syntheticShapes(regions.length, seed);
  const features = regions.map((r, i) =>
    JSON.stringify({
      type: 'Feature',
      properties: { code: r.code, name: r.name },
      geometry: { type: 'Polygon', coordinates: [shapes[i]] },
    }),
  );
  return (
    '{"type":"FeatureCollection",\n"attribution":"synthetic shapes generated by voter-segments (no real places)",\n' +
    `"features":[\n${features.join(',\n')}\n]}\n`
  );
}
