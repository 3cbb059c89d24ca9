/**
 * The layering, bottom up: a folder may import from its own layer and the ones below it, never from one above, and
 * no import cycles. Type-only imports (a relation's entity type, say) do not count: they vanish when compiled.
 */
const LAYERS = [
  ['config', 'common'],
  ['database', 'csv'],
  ['audit', 'auth', 'links', 'consent', 'channels', 'templates'],
  ['regions', 'contacts'],
  ['imports', 'segmentation', 'messaging'],
  ['waves', 'events', 'public', 'privacy', 'webhooks', 'health', 'synthetic', 'app-config'],
];
const folders = (layers) => `^src/(${layers.flat().join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer.join('-')}`,
      comment: `${layer.join(', ')} may not import from a folder above them`,
      severity: 'error',
      from: { path: folders([layer]) },
      to: { path: [folders(LAYERS.slice(i + 1)), '^src/[^/]+\\.ts$'], dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'entries-on-top',
      comment: 'nothing imports the entry points (app, main, cli, worker, demo, the data source)',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
