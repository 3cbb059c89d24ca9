import { FileRejected } from '../csv/sniff.js';
import { geometryProblem, OFFICIAL_ATTRIBUTION, readGeometryFile, regionCode } from './geometry-file.js';

const square = [
  [10, 50],
  [11, 50],
  [11, 51],
  [10, 51],
  [10, 50],
];
const feature = (
  properties: Record<string, unknown>,
  geometry: unknown = { type: 'Polygon', coordinates: [square] },
) => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe('region codes', () => {
  it.each([
    [7, '7'],
    ['007', '7'],
    [' 12 ', '12'],
    ['0', '0'],
    ['01001000', '1001000'],
    ['DE-BE', 'DE-BE'],
    ['', null],
    [null, null],
    [true, null],
  ])('%j → %j', (value, code) => expect(regionCode(value)).toBe(code));
});

describe('a geometry that can be a region', () => {
  it.each([
    [{ type: 'Polygon', coordinates: [square] }, null],
    [{ type: 'MultiPolygon', coordinates: [[square], [square.map(([x, y]) => [x + 2, y])]] }, null],
    [{ type: 'Polygon', coordinates: [square.map(([x, y]) => [x, y, 120])] }, null],
    [null, 'it has no geometry'],
    [{ type: 'Point', coordinates: [10, 50] }, 'its geometry is a Point, not a Polygon or MultiPolygon'],
    [{ type: 'Polygon', coordinates: [] }, 'the Polygon has no coordinates'],
    [
      { type: 'Polygon', coordinates: [square.slice(0, 3)] },
      'ring 1 has 3 positions; a ring needs at least 4',
    ],
    [
      { type: 'Polygon', coordinates: [square, square.slice(0, 4)] },
      'ring 2 is not closed: its last position is not its first',
    ],
    [
      {
        type: 'MultiPolygon',
        coordinates: [
          [square],
          [
            [
              [10, 50],
              [11, 50],
              ['11', 51],
              [10, 50],
            ],
          ],
        ],
      },
      'ring 1 of polygon 2 has a position that is not a pair of numbers (position 3)',
    ],
    [
      { type: 'Polygon', coordinates: [square.map(([x, y]) => [x * 40000, y * 40000])] },
      'ring 1 has position 1 (400000, 2000000) outside longitude −180…180, latitude −90…90: not WGS84',
    ],
    [
      { type: 'Polygon', coordinates: [square.map(([x, y]) => [y, x + 81])] },
      'ring 1 has position 1 (50, 91) outside longitude −180…180, latitude −90…90: not WGS84',
    ],
  ])('%j → %s', (geometry, problem) => {
    expect(geometryProblem(geometry)).toBe(problem);
  });
});

describe('reading a geometry file', () => {
  it('finds the code property, keeps good features and names the bad ones by their 1-based index', () => {
    const file = readGeometryFile(
      collection(
        feature({ WKR_NR: 1, WKR_NAME: 'Flensburg – Schleswig', LAND_NR: '01' }),
        feature({ WKR_NR: 2, WKR_NAME: 'Nordfriesland' }, { type: 'LineString', coordinates: square }),
        feature({ WKR_NAME: 'Ohne Nummer' }),
        feature({ WKR_NR: '001', WKR_NAME: 'Flensburg – Schleswig' }),
        'not a feature',
        feature({ WKR_NR: 3 }, { type: 'Polygon', coordinates: [square.slice(0, 4)] }),
      ),
    );
    expect(file.codeProperty).toBe('WKR_NR');
    expect(file.read).toBe(6);
    expect(file.features).toEqual([
      {
        index: 1,
        code: '1',
        name: 'Flensburg – Schleswig',
        geometry: { type: 'Polygon', coordinates: [square] },
      },
    ]);
    expect(file.problems).toEqual([
      {
        index: 2,
        column: 'geometry',
        reason: 'feature 2 (WKR_NR 2): its geometry is a LineString, not a Polygon or MultiPolygon',
      },
      { index: 3, column: 'WKR_NR', reason: 'feature 3 has no WKR_NR' },
      { index: 4, column: 'WKR_NR', reason: 'feature 4: WKR_NR 1 appears twice (also feature 1)' },
      { index: 5, column: 'feature', reason: 'feature 5 is not a GeoJSON Feature' },
      {
        index: 6,
        column: 'geometry',
        reason: 'feature 6 (WKR_NR 3): ring 1 is not closed: its last position is not its first',
      },
    ]);
    expect(file.attribution).toBe(OFFICIAL_ATTRIBUTION);
  });

  it.each([
    [{ code: 'A1' }, undefined, 'code'],
    [{ AGS: '01001000', id: 4 }, undefined, 'AGS'],
    [{ id: 4 }, undefined, 'id'],
    [{ Code: 'x' }, undefined, 'Code'],
    [{ kreis: '5', code: 'x' }, 'kreis', 'kreis'],
    [{ KREIS: '5' }, 'kreis', 'KREIS'],
  ])('properties %j with codeProperty %j read the code from %s', (properties, given, used) => {
    expect(readGeometryFile(collection(feature(properties)), given).codeProperty).toBe(used);
  });

  it('takes the attribution a file states', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      attribution: ' © Land X ',
      features: [feature({ code: 1 })],
    });
    expect(readGeometryFile(text).attribution).toBe('© Land X');
    expect(readGeometryFile(collection(feature({ code: 1 }))).attribution).toBeNull();
  });

  it.each([
    ['', 'the file is empty'],
    [
      'plz;wahlkreis\n10115;75\n',
      /^the file is not JSON \(.+\): geometry is imported from a GeoJSON FeatureCollection$/,
    ],
    [
      'PK\u0003\u0004rest',
      'this is a ZIP archive (a zipped shapefile?), not GeoJSON: convert it to GeoJSON first',
    ],
    ['[1, 2]', 'the file is JSON but not GeoJSON: geometry is imported from a GeoJSON FeatureCollection'],
    [
      JSON.stringify(feature({ code: 1 })),
      'the file is a GeoJSON Feature, not a FeatureCollection of region shapes',
    ],
    ['{"type":"FeatureCollection"}', 'the FeatureCollection has no list of features'],
    ['{"type":"FeatureCollection","features":[]}', 'the FeatureCollection has no features'],
    [
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::25832' } },
        features: [feature({ code: 1 })],
      }),
      'the coordinates are in urn:ogc:def:crs:EPSG::25832, not WGS84 longitude/latitude: convert the file first',
    ],
    [
      collection(feature({ fid: 1, label: 'x' })),
      'no feature has a region code property (WKR_NR, code, AGS, ARS, RS, region, wahlkreis, id): name it with codeProperty (--code-property)',
    ],
  ])('rejects %j whole: %s', (text, reason) => {
    const read = () => readGeometryFile(text);
    expect(read).toThrow(FileRejected);
    expect(read).toThrow(reason);
  });

  it('rejects a codeProperty no feature has, naming the properties there are', () => {
    expect(() => readGeometryFile(collection(feature({ WKR_NR: 1, WKR_NAME: 'a' })), 'AGS')).toThrow(
      'no feature has the property "AGS"; the features have: WKR_NR, WKR_NAME',
    );
  });

  it('reads a BOM and the official CRS84 and EPSG:4326 names', () => {
    for (const name of ['urn:ogc:def:crs:OGC:1.3:CRS84', 'EPSG:4326', 'urn:ogc:def:crs:EPSG::4326']) {
      const text = JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name } },
        features: [feature({ code: 1 })],
      });
      expect(readGeometryFile('\uFEFF' + text).features).toHaveLength(1);
    }
  });
});
