#!/usr/bin/env bash
# Rebuilds dashboard/assets/plotly-dashboard.min.js: plotly.js with only the trace types the dashboard draws
# (index.js; a figure of another type would draw nothing, tests/test_dashboard_figures.py lists the types).
# dcc.Graph uses a window.Plotly an asset defines instead of fetching plotly's full 4.8 MB bundle
# (https://dash.plotly.com/external-resources, "Controlling the Plotly.js Version Used by dcc.Graph").
#
# Pinned: plotly.js PLOTLY_JS is the version the pinned plotly (requirements.txt) ships — change both together;
# esbuild ESBUILD is the version plotly.js builds itself with. plotly.js is MIT-licensed (the bundle's first line and
# its licence block at the end say so). Run where node/npm and the npm registry are at hand (not on the intranet
# server: the bundle is part of the repository), then run the dashboard tests.
set -euo pipefail
PLOTLY_JS=4.1.1
ESBUILD=0.28.1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/../../assets/plotly-dashboard.min.js"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "plotly.js@$PLOTLY_JS" >/dev/null
tar xzf "plotly.js-$PLOTLY_JS.tgz"
(cd package && npm install --omit=dev --ignore-scripts --no-audit --no-fund --silent)
mkdir tools
(cd tools && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "esbuild@$ESBUILD")
cp "$here/index.js" package/lib/index-dashboard.js
cd package
../tools/node_modules/.bin/esbuild lib/index-dashboard.js --bundle --format=iife --global-name=Plotly --minify \
    --target=es2016 --define:global=window --define:define.amd=false --define:process.env.NODE_DEBUG=false \
    --loader:.css=empty --legal-comments=eof --log-level=warning --outfile="$out" \
    --banner:js="/** plotly.js v$PLOTLY_JS partial bundle (traces: scatter, bar, treemap), built from the npm package plotly.js@$PLOTLY_JS by dashboard/vendor/plotly/build.sh. Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license. */"
echo "$out: $(wc -c < "$out") bytes"
