'use strict';

// Partial plotly.js bundle for Tiltakskart, built the same way as plotly.js's own
// partial bundles (compare node_modules/plotly.js/lib/index-geo.js).
// core registers the scatter trace, the standard components and the en/en-US locales.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    // traces
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
    require('plotly.js/lib/bar'),
    require('./locale-no')
]);

module.exports = Plotly;
