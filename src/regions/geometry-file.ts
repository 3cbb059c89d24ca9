import { FileRejected } from '../csv/sniff.js';

export type Position = number[];
export type AreaGeometry =
  { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** One feature of a geometry file that can be stored: its 1-based index in the file, region code and shape. */
export interface GeometryFeature {
  index: number;
  code: string;
  name: string | null;
  geometry: AreaGeometry;
}

export interface FeatureProblem {
  index: number;
  column: string;
  reason: string;
}

export interface GeometryFile {
  /** The property that holds the region code, as the file spells it. */
  codeProperty: string;
  read: number;
  features: GeometryFeature[];
  problems: FeatureProblem[];
  /** Who to credit, when the file says (a top-level `attribution` or `source`) or is the official layout. */
  attribution: string | null;
}

/**
 * Properties that commonly hold a region's code, tried in this order (case does not matter); `id` comes last, as
 * files often number their features with it.
 */
export const CODE_PROPERTIES = ['WKR_NR', 'code', 'AGS', 'ARS', 'RS', 'region', 'wahlkreis', 'id'];
const NAME_PROPERTIES = ['WKR_NAME', 'name', 'GEN'];

/** The Bundeswahlleiterin's Wahlkreis shapes carry these; its licence asks to name the source. */
const OFFICIAL_LAYOUT = ['WKR_NR', 'WKR_NAME', 'LAND_NR'];
export const OFFICIAL_ATTRIBUTION =
  '© Die Bundeswahlleiterin, Statistisches Bundesamt, Wiesbaden 2024, Wahlkreiskarte für die Wahl zum ' +
  '21. Deutschen Bundestag; Grundlage der Geoinformationen © Geobasis-DE / BKG 2024 (dl-de/by-2-0)';

const GEOJSON_TYPES = [
  'Feature',
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A code as regions store it: Wahlkreis 7 is "7", whether the file writes 7, "7" or "007". */
export function regionCode(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const code = value.trim().replace(/^0+(?=\d)/, '');
  return code === '' ? null : code;
}

/**
 * Reads a GeoJSON FeatureCollection of region shapes. A file that is not one is rejected whole; a feature without
 * a usable code or shape is reported by its 1-based index, and the others are kept.
 */
export function readGeometryFile(text: string, codeProperty?: string): GeometryFile {
  const collection = parseCollection(text);
  const features: unknown[] = collection.features as unknown[];
  const exact = new Set<string>();
  const keys = new Map<string, string>(); // lower-case → as the file first spells it
  for (const f of features)
    if (isObject(f) && isObject(f.properties))
      for (const key of Object.keys(f.properties)) {
        exact.add(key);
        if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
      }
  const spelt = (name: string) => (exact.has(name) ? name : keys.get(name.toLowerCase()));
  const codeKey = codeProperty !== undefined ? spelt(codeProperty) : firstOf(CODE_PROPERTIES, spelt);
  if (codeKey === undefined)
    throw new FileRejected(
      codeProperty !== undefined
        ? `no feature has the property "${codeProperty}"; the features have: ${[...exact].join(', ') || 'no properties'}`
        : `no feature has a region code property (${CODE_PROPERTIES.join(', ')}): name it with codeProperty (--code-property)`,
    );
  const nameKey = firstOf(NAME_PROPERTIES, spelt);

  const problems: FeatureProblem[] = [];
  const kept: GeometryFeature[] = [];
  const seen = new Map<string, number>();
  features.forEach((f, i) => {
    const index = i + 1;
    const problem = (column: string, reason: string) => problems.push({ index, column, reason });
    if (!isObject(f) || f.type !== 'Feature')
      return problem('feature', `feature ${index} is not a GeoJSON Feature`);
    const properties = isObject(f.properties) ? f.properties : {};
    const code = regionCode(properties[codeKey]);
    const shape = geometryProblem(f.geometry);
    if (code === null)
      problem(
        codeKey,
        properties[codeKey] === undefined || properties[codeKey] === null || properties[codeKey] === ''
          ? `feature ${index} has no ${codeKey}`
          : `feature ${index}: ${codeKey} is not a region code`,
      );
    if (shape) problem('geometry', `feature ${index}${code ? ` (${codeKey} ${code})` : ''}: ${shape}`);
    if (code === null || shape) return;
    const first = seen.get(code);
    if (first !== undefined)
      return problem(codeKey, `feature ${index}: ${codeKey} ${code} appears twice (also feature ${first})`);
    seen.set(code, index);
    const name = nameKey ? properties[nameKey] : undefined;
    kept.push({
      index,
      code,
      name: typeof name === 'string' ? name : null,
      geometry: f.geometry as AreaGeometry,
    });
  });
  const given = collection.attribution ?? collection.source;
  const official = OFFICIAL_LAYOUT.every((p) => exact.has(p));
  return {
    codeProperty: codeKey,
    read: features.length,
    features: kept,
    problems,
    attribution:
      typeof given === 'string' && given.trim() ? given.trim() : official ? OFFICIAL_ATTRIBUTION : null,
  };
}

function firstOf(names: string[], spelt: (name: string) => string | undefined): string | undefined {
  for (const name of names) {
    const key = spelt(name);
    if (key !== undefined) return key;
  }
  return undefined;
}

function parseCollection(text: string): Json {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new FileRejected('the file is empty');
  if (body.startsWith('PK\u0003\u0004'))
    throw new FileRejected(
      'this is a ZIP archive (a zipped shapefile?), not GeoJSON: convert it to GeoJSON first',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    throw new FileRejected(
      `the file is not JSON (${(e as Error).message}): geometry is imported from a GeoJSON FeatureCollection`,
    );
  }
  if (!isObject(parsed) || parsed.type !== 'FeatureCollection')
    throw new FileRejected(
      isObject(parsed) && GEOJSON_TYPES.includes(parsed.type as string)
        ? `the file is a GeoJSON ${String(parsed.type)}, not a FeatureCollection of region shapes`
        : 'the file is JSON but not GeoJSON: geometry is imported from a GeoJSON FeatureCollection',
    );
  if (!Array.isArray(parsed.features))
    throw new FileRejected('the FeatureCollection has no list of features');
  if (parsed.features.length === 0) throw new FileRejected('the FeatureCollection has no features');
  const crs =
    isObject(parsed.crs) && isObject(parsed.crs.properties) ? parsed.crs.properties.name : undefined;
  // RFC 7946 has no crs member; older files name theirs, and a projected one (UTM, say) cannot be read as degrees.
  if (typeof crs === 'string' && !/CRS84|EPSG:{1,2}4326$/i.test(crs))
    throw new FileRejected(
      `the coordinates are in ${crs}, not WGS84 longitude/latitude: convert the file first`,
    );
  return parsed;
}

/** What is wrong with a feature's geometry for a region's area, in words; null when it is a usable shape. */
export function geometryProblem(geometry: unknown): string | null {
  if (geometry === null || geometry === undefined) return 'it has no geometry';
  if (!isObject(geometry)) return 'its geometry is not a GeoJSON geometry';
  const { type, coordinates } = geometry;
  if (type !== 'Polygon' && type !== 'MultiPolygon')
    return `its geometry is a ${String(type)}, not a Polygon or MultiPolygon`;
  if (!Array.isArray(coordinates) || coordinates.length === 0) return `the ${type} has no coordinates`;
  const polygons: unknown[] = type === 'Polygon' ? [coordinates] : coordinates;
  for (const [p, rings] of polygons.entries()) {
    const of = type === 'MultiPolygon' ? ` of polygon ${p + 1}` : '';
    if (!Array.isArray(rings) || rings.length === 0) return `polygon ${p + 1} has no rings`;
    for (const [r, ring] of rings.entries()) {
      const problem = ringProblem(ring);
      if (problem) return `ring ${r + 1}${of} ${problem}`;
    }
  }
  return null;
}

function ringProblem(ring: unknown): string | null {
  if (!Array.isArray(ring)) return 'is not a list of positions';
  for (const [i, position] of ring.entries()) {
    if (
      !Array.isArray(position) ||
      position.length < 2 ||
      !position.every((n) => typeof n === 'number' && Number.isFinite(n))
    )
      return `has a position that is not a pair of numbers (position ${i + 1})`;
    const [lon, lat] = position as number[];
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
      return `has position ${i + 1} (${lon}, ${lat}) outside longitude −180…180, latitude −90…90: not WGS84`;
  }
  if (ring.length < 4) return `has ${ring.length} positions; a ring needs at least 4`;
  const [first, last] = [ring[0] as number[], ring[ring.length - 1] as number[]];
  if (first[0] !== last[0] || first[1] !== last[1])
    return 'is not closed: its last position is not its first';
  return null;
}
