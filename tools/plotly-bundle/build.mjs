// Builds app/plotly/plotly-tiltakskart.min.js, mirroring plotly.js 4.1.1's own
// bundling (esbuild-config.js, tasks/util/bundle_wrapper.mjs, tasks/compress_attributes.js,
// tasks/partial_bundle.mjs): IIFE with globalName Plotly, the same define/target
// settings, the strip-meta-attributes step, the UMD wrapper that sets window.Plotly,
// and the licence header prepended.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../app/plotly');
const outFile = path.join(outDir, 'plotly-tiltakskart.min.js');
const plotlyDir = path.dirname(require.resolve('plotly.js/package.json'));
const plotlyVersion = require('plotly.js/package.json').version;
const BUNDLE_NAME = 'tiltakskart: choropleth, scattergeo, bar';

// Same regexes as plotly.js tasks/compress_attributes.js: drop attribute
// descriptions and other schema-only metadata from the sources before bundling.
const WHITESPACE_BEFORE = '\\s*';
const OPTIONAL_COMMA = ',?';
const makeRegex = (s) => new RegExp(WHITESPACE_BEFORE + s + OPTIONAL_COMMA, 'g');
const makeStringRegex = (attr) => makeRegex(attr + ": '.*'");
const makeJoinedArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]' + '\\.join\\([\\s\\S]*?\\)');
const makeArrayRegex = (attr) => makeRegex(attr + ': \\[[\\s\\S]*?\\]');
const metaRegexes = [
    makeStringRegex('description'),
    makeJoinedArrayRegex('description'),
    makeArrayRegex('requiredOpts'),
    makeArrayRegex('otherOpts'),
    makeStringRegex('role'),
    makeStringRegex('hrName')
];
const stripMetaPlugin = {
    name: 'strip-meta-attributes',
    setup(b) {
        b.onLoad({ filter: /\.js$/ }, async (file) => {
            let c = await fs.promises.readFile(file.path, 'utf-8');
            for (const r of metaRegexes) c = c.replace(r, '');
            return { contents: c, loader: 'js' };
        });
    }
};

// src/registry.js requires maplibre-gl's CSS only when a 'map' subplot is registered;
// no map trace is in this bundle, so resolve it to an empty module. (plotly.js inlines
// it with esbuild-plugin-inline-css, which would add ~80 kB of unused CSS here.)
const omitMaplibreCssPlugin = {
    name: 'omit-maplibre-css',
    setup(b) {
        b.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({
            path: args.path,
            namespace: 'omit-maplibre-css'
        }));
        b.onLoad({ filter: /.*/, namespace: 'omit-maplibre-css' }, () => ({ contents: '', loader: 'js' }));
    }
};

// plotly.js's esbuildConfig (minus the glsl / inline-css / NODE_DEBUG plugins and the
// stream alias, which only matter for WebGL, map and image traces not in this bundle).
await build({
    entryPoints: [path.join(here, 'index.js')],
    outfile: outFile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    plugins: [omitMaplibreCssPlugin, stripMetaPlugin],
    alias: { regl: '@plotly/regl' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info'
});

// Licence header: take the official one from plotly.js's dist and name this bundle
// the way tasks/partial_bundle.mjs does ("plotly.js (<name> - minified) vX").
const official = fs.readFileSync(path.join(plotlyDir, 'dist/plotly.min.js'), 'utf-8');
const header = official.slice(0, official.indexOf('*/') + 2)
    .replace('plotly.js', `plotly.js (${BUNDLE_NAME} - minified)`);
if (!header.startsWith('/**') || !header.includes(`v${plotlyVersion}`)) {
    throw new Error('Unexpected licence header in plotly.js dist/plotly.min.js');
}

// UMD wrapper, identical to plotly.js tasks/util/bundle_wrapper.mjs addWrapper().
const wrapperStart = [
    '(',
    ' function(root, factory) {',
    '  if (typeof module === "object" && module.exports) {',
    '   module.exports = factory();',
    '  } else {',
    '   root.moduleName = factory();',
    '  }',
    '} (typeof self !== "undefined" ? self : this, () => {',
    ''
].join('\n');
const wrapperEnd = ['', 'window.Plotly = Plotly;', 'return Plotly;', '}));'].join('\n');

const body = fs.readFileSync(outFile, 'utf-8');
fs.writeFileSync(outFile, header + '\n' + wrapperStart + body + wrapperEnd);
fs.copyFileSync(path.join(plotlyDir, 'LICENSE'), path.join(outDir, 'LICENSE'));
console.log(`wrote ${path.relative(process.cwd(), outFile)} (${fs.statSync(outFile).size} bytes, plotly.js ${plotlyVersion})`);

// Compressed once here at brotli's best quality (seconds), served as is by the app.
const zlib = await import('node:zlib');
const brotli = zlib.brotliCompressSync(fs.readFileSync(outFile), {
    params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11},
});
fs.writeFileSync(outFile + '.br', brotli);
console.log(`wrote ${path.relative(process.cwd(), outFile)}.br (${brotli.length} bytes)`);
