// The few functions of the TopoJSON and Delaunay libraries this project calls (they ship no type declarations).

declare module 'topojson-server' {
  export interface Topology {
    type: 'Topology';
    bbox?: number[];
    transform?: { scale: [number, number]; translate: [number, number] };
    objects: Record<string, unknown>;
    arcs: number[][][];
    [member: string]: unknown;
  }
  export function topology(objects: Record<string, unknown>, quantization?: number): Topology;
}

declare module 'topojson-simplify' {
  import type { Topology } from 'topojson-server';
  export function presimplify(topology: Topology): Topology;
  export function simplify(topology: Topology, minWeight?: number): Topology;
}

declare module 'topojson-client' {
  import type { Topology } from 'topojson-server';
  export function quantize(topology: Topology, quantization: number): Topology;
  export function feature(
    topology: Topology,
    object: unknown,
  ): {
    type: 'FeatureCollection';
    features: {
      type: 'Feature';
      properties: Record<string, unknown>;
      geometry: { type: string; coordinates: number[][][] | number[][][][] };
    }[];
  };
}

declare module 'd3-delaunay' {
  export class Delaunay {
    static from(points: ArrayLike<[number, number]>): Delaunay;
    voronoi(bounds?: [number, number, number, number]): Voronoi;
  }
  export class Voronoi {
    cellPolygon(i: number): [number, number][] | null;
  }
}
