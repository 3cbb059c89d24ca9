import { createHash } from 'node:crypto';
import { quantize } from 'topojson-client';
import { topology, type Topology } from 'topojson-server';
import { presimplify, simplify } from 'topojson-simplify';
import type { AreaGeometry } from './geometry-file.js';

export type { Topology } from 'topojson-server';

export interface RegionShape {
  id: string;
  code: string;
  name: string;
  geometry: AreaGeometry;
}

/** Coordinates are snapped to a grid of this many steps across the set, before and after simplifying. */
const QUANTIZATION = 1e5;
/** The display keeps what a map of the whole set this many pixels wide can show. */
export const DISPLAY_PIXELS = 1000;

/**
 * The shapes of a set for a map, as one TopoJSON document: borders shared by two regions are stored once, and a
 * point is dropped when the triangle it forms with its neighbours is smaller than one pixel of a DISPLAY_PIXELS-wide
 * map of the whole set (Visvalingam's area measure). Each geometry carries the region's id, code and name.
 */
export function displayTopology(shapes: RegionShape[], source: string | null): Topology {
  const features = shapes.map(({ id, code, name, geometry }) => ({
    type: 'Feature',
    properties: { id, code, name },
    geometry,
  }));
  const built = topology({ regions: { type: 'FeatureCollection', features } }, QUANTIZATION);
  const [x0, y0, x1, y1] = built.bbox!;
  const pixel = Math.max(x1 - x0, y1 - y0) / DISPLAY_PIXELS;
  const simplified = quantize(simplify(presimplify(built), pixel * pixel), QUANTIZATION);
  return source ? { ...simplified, source } : simplified;
}

/** A strong validator for a document: the same content always gives the same tag. */
export function etagOf(document: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(document)).digest('base64url').slice(0, 27)}"`;
}

/** Whether an If-None-Match header names this tag (a list, weak tags and `*` included, as RFC 9110 says). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const plain = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || plain(tag) === plain(etag));
}
