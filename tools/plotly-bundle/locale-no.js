'use strict';

// plotly.js's own Norwegian locale (config.locale "no"), with the modebar texts the app
// shows put right: its "Reset axes" key is misspelt, and a few read better in bokmål.
// Registered by the partial bundle (index.js) and, for Dash's full plotly.js (the background
// map), by the app asset build.mjs writes from it.
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

module.exports = Object.assign({}, no, {dictionary: Object.assign({}, no.dictionary, modebar)});
