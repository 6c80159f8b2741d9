'use strict';

// Partial plotly.js bundle for Tiltakskart, built the same way as plotly.js's own
// partial bundles (compare node_modules/plotly.js/lib/index-geo.js).
// core registers the scatter trace, the standard components and the en/en-US locales.
var Plotly = require('plotly.js/lib/core');

// plotly.js's own Norwegian locale (config.locale "no"), with the modebar texts the app
// shows put right: its "Reset axes" key is misspelt, and a few read better in bokmål.
var no = require('plotly.js/lib/locales/no');
var modebar = {
    'Download plot as a PNG': 'Last ned som PNG-bilde',
    'Download plot': 'Last ned bildet',
    'Reset axes': 'Tilbakestill aksene',
    'Reset view': 'Tilbakestill visningen',
    'Reset': 'Tilbakestill',
    'Zoom in': 'Zoom inn',
    'Zoom out': 'Zoom ut',
    'Autoscale': 'Skaler automatisk',
    'Show closest data on hover': 'Vis nærmeste verdi ved pekeren'
};

Plotly.register([
    // traces
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/bar'),
    Object.assign({}, no, {dictionary: Object.assign({}, no.dictionary, modebar)})
]);

module.exports = Plotly;
