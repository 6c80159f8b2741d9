// The page's router, in the browser: the controls' values become the page state; only the view
// on screen is asked to render it (one server round trip per change), views are shown and hidden
// here without asking the server, and the server's canonical link is written to the address bar.
// The names and lists it uses come from the server (the "config" store), defined once in Python.
// Scripts a view needs (e.g. ag-grid for the Kommune view's table), loaded once, in order, the
// first time that view opens, so the first page load carries only what the map needs.
const tiltakskartScripts = {};
function tiltakskartLoad(urls) {
    return urls.reduce(function (previous, url) {
        return previous.then(function () {
            if (!tiltakskartScripts[url]) {
                tiltakskartScripts[url] = new Promise(function (resolve, reject) {
                    const script = document.createElement("script");
                    script.src = url;
                    script.onload = resolve;
                    script.onerror = function () { reject(new Error("not loaded: " + url)); };
                    document.head.appendChild(script);
                });
            }
            return tiltakskartScripts[url];
        });
    }, Promise.resolve());
}

// A page state without the follow-up's version (which the router adds as "v").
function withoutVersion(state) {
    if (state === null || typeof state !== "object" || !("v" in state)) { return state; }
    const copy = Object.assign({}, state);
    delete copy.v;
    return copy;
}

// The presentation's page (its route comes from the server: config.presentation).
function isPresenting(pathname, config) {
    return typeof pathname === "string"
        && pathname.replace(/\/+$/, "").endsWith("/" + config.presentation);
}

window.dash_clientside = Object.assign({}, window.dash_clientside, {
    tiltakskart: {
        route: function (...args) {
            const nu = window.dash_clientside.no_update;
            // The arguments by name (their names come from the server, defined once in
            // app/router.py; the config is always the last argument).
            const config = args[args.length - 1];
            const arg = {};
            config.route.arguments.forEach(function (name, i) { arg[name] = args[i]; });
            const click = arg.click;
            const pathname = arg.pathname;
            const presenting = isPresenting(pathname, config);
            const raw = {};
            config.controls.forEach(function (name) { raw[name] = arg[name]; });
            const triggered = (window.dash_clientside.callback_context.triggered || [])
                .map(function (t) { return t.prop_id; });

            // The background map needs Plotly's full bundle (MapLibre): load the page with it.
            if (raw.bakgrunn && window.tiltakskartFullPlotly === false
                && triggered.indexOf(config.ids.bakgrunn + ".value") >= 0) {
                const params = new URLSearchParams(window.location.search);
                params.set("bakgrunn", "1");
                window.location.assign(window.location.pathname + "?" + params.toString());
                throw window.dash_clientside.PreventUpdate;
            }

            // A map click opens that municipality in the view that shows one (config.clicked).
            let viewValue = nu, kommuneValue = nu;
            if (triggered.indexOf(config.ids.map + ".clickData") >= 0) {
                const point = click && Array.isArray(click.points) && click.points[0];
                const number = point && point.location;
                if (config.numbers.indexOf(number) >= 0) {
                    raw.view = config.clicked;
                    raw.kommune = number;
                    viewValue = config.clicked;
                    kommuneValue = number;
                }
            }

            // Themes and strategies narrowed by plan (and strategies by theme).
            const tree = config.tree;
            const plan = tree.plans[raw.plan];
            const themes = plan ? plan.themes : config.themes;
            if (raw.theme && themes.indexOf(raw.theme) < 0) { raw.theme = null; }
            let strategies = plan ? plan.strategies : config.strategies;
            if (raw.theme && tree.themes[raw.theme]) {
                const ofTheme = tree.themes[raw.theme];
                strategies = strategies.filter(function (s) { return ofTheme.indexOf(s) >= 0; });
            }
            if (raw.strategy && strategies.indexOf(raw.strategy) < 0) { raw.strategy = null; }
            const themeOptions = themes.map(function (t) { return {label: t, value: t}; });
            const strategyOptions = strategies.map(function (s) {
                return {label: s + " " + (config.strategy_titles[s] || ""), value: s};
            });

            const view = config.views.indexOf(raw.view) >= 0 ? raw.view : config.views[0];
            document.documentElement.dataset.view = view;  // map-only controls (style.css)
            const out = {
                state: raw, view: viewValue, kommune: kommuneValue,
                theme_options: themeOptions, theme: raw.theme,
                strategy_options: strategyOptions, strategy: raw.strategy,
            };
            // The view that owns the graph the view on screen saves as its PNG (the Kart map
            // for the Kommune view) is kept up to date with its filters, hidden; moving to
            // another municipality or measure does not change that map.
            const owner = config.views.find(function (w) {
                return config.png[w] === config.png[view];
            });
            const filters = function (state) {
                const copy = Object.assign({}, state || {});
                ["view", "kommune", "tiltak", "slide"].forEach(function (k) { delete copy[k]; });
                return JSON.stringify(copy);
            };
            // The follow-up's version goes with the state, so a change (another user's, or
            // this one's) asks the view on screen again. Its first arrival (asked for as the
            // page loads) changes nothing: a view asked before it is taken to show that one.
            raw.v = arg.followup === undefined ? null : arg.followup;
            if (raw.v !== null && window.tiltakskartFirstVersion === undefined) {
                window.tiltakskartFirstVersion = raw.v;
            }
            const live = config.live || [];
            config.views.forEach(function (v) {
                let asked = arg["asked:" + v];
                let wanted = raw;
                if (live.indexOf(v) < 0) {
                    // A view with forms is not redrawn for the follow-up's version.
                    wanted = withoutVersion(raw);
                    asked = asked && withoutVersion(asked);
                } else if (asked && (asked.v === undefined || asked.v === null)) {
                    const first = window.tiltakskartFirstVersion;
                    asked = Object.assign({}, asked, {v: first === undefined ? null : first});
                }
                out["hidden:" + v] = v !== view;
                const same = v === view ? JSON.stringify(asked) === JSON.stringify(wanted)
                    : v !== owner || filters(asked) === filters(wanted);
                out["ask:" + v] = presenting || same ? nu : wanted;
            });
            // The results in the order the server named them.
            const result = config.route.outputs.map(function (name) { return out[name]; });
            const needs = (!presenting && config.lazy && config.lazy[view]) || [];
            if (needs.length === 0) { return result; }
            // Asked only once its scripts are in; if they fail, the view says so in its grid.
            return tiltakskartLoad(needs).then(function () { return result; },
                function () { return result; });
        },

        // A view's canonical link (from the server), written to the address bar while it is
        // the link of the state on screen: a new history entry when the view, municipality,
        // measure or slide changes, else the current entry replaced.
        writeUrl: function (state, slide, ...rest) {
            const nu = window.dash_clientside.no_update;
            const config = rest[rest.length - 1];
            const pathname = rest[rest.length - 2];
            const links = rest.slice(0, rest.length - 2);  // the views' links, then the slide's
            const presenting = isPresenting(pathname, config);
            const view = state && config.views.indexOf(state.view) >= 0 ? state.view : null;
            const link = presenting ? links[links.length - 1]
                : (view ? links[config.views.indexOf(view)] : null);
            const current = presenting ? slide : state;
            // The follow-up's version is not part of what a link shows.
            const shown = function (s) { return JSON.stringify(s && withoutVersion(s)); };
            if (!link || typeof link.search !== "string"
                || shown(link.for) !== shown(current)) { return nu; }
            const search = link.search;
            if (search === window.location.search) { return search; }
            const before = new URLSearchParams(window.location.search);
            const after = new URLSearchParams(search);
            const moved = ["view", "kommune", "tiltak", "slide"].some(function (k) {
                return before.get(k) !== after.get(k);
            });
            const url = window.location.pathname + search;
            if (moved && window.location.search) {
                window.history.pushState(null, "", url);
            } else {
                window.history.replaceState(null, "", url);
            }
            return search;
        },

        // The county chooser of a national map: zoom the map to the county (or the country).
        zoomCounty: function (county, config) {
            const bounds = config.counties && config.counties[county];
            const gd = document.querySelector("#" + config.ids.map + " .js-plotly-plot");
            if (!bounds || !gd || !window.Plotly) { return window.dash_clientside.no_update; }
            const padX = (bounds[2] - bounds[0]) * 0.03, padY = (bounds[3] - bounds[1]) * 0.03;
            window.Plotly.relayout(gd, {
                "geo.lonaxis.range": [bounds[0] - padX, bounds[2] + padX],
                "geo.lataxis.range": [bounds[1] - padY, bounds[3] + padY],
                "geo.center": {lon: (bounds[0] + bounds[2]) / 2, lat: (bounds[1] + bounds[3]) / 2},
            });
            return county;
        },

        showPage: function (pathname, config) {
            const presenting = isPresenting(pathname, config);
            return [presenting, !presenting];
        },

        stepSlide: function (previous, following, first, last, slide, config) {
            const triggered = (window.dash_clientside.callback_context.triggered || [])
                .map(function (t) { return t.prop_id; });
            const was = function (id) { return triggered.indexOf(id + ".n_clicks") >= 0; };
            if (was(config.ids.first)) { return 0; }
            if (was(config.ids.last)) { return config.slides - 1; }
            const current = Number.isInteger(slide) ? slide : 0;
            const step = was(config.ids.next) ? 1 : -1;
            return (current + step + config.slides) % config.slides;
        },
    },
});
