'use strict';

// The trace types the dashboard draws (dashboard/figures): scatter (in core), bar and treemap.
var Plotly = require('./core');

Plotly.register([
    require('./bar'),
    require('./treemap')
]);

module.exports = Plotly;
