import { feature as toGeoJson } from 'topojson-client';
import { geometry } from './api/data';

export interface Shapes {
  /** District code → name, as the geometry names them. */
  names: Map<string, string>;
  /** District code → region id, to open a district. */
  idOf: Map<string, string>;
  /** Where the shapes come from, to be named under the map. */
  source: string;
}

/** A set's shapes, registered with ECharts as a map named after the set. */
export async function loadShapes(setKey: string): Promise<Shapes> {
  const topology = await geometry(setKey);
  const object = Object.values((topology as { objects: Record<string, unknown> }).objects)[0];
  const shapes = toGeoJson(topology as never, object as never) as unknown as {
    features: { properties: { code: string; name: string; id: string } }[];
  };
  const { echarts } = await import('./charts/echarts');
  echarts.registerMap(setKey, shapes as never);
  return {
    names: new Map(shapes.features.map((f) => [f.properties.code, f.properties.name])),
    idOf: new Map(shapes.features.map((f) => [f.properties.code, f.properties.id])),
    source: (topology as { source?: string }).source ?? '',
  };
}
