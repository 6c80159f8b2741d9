// Maps that fit their screen: after a draw, a name that would overlap another or be cut at
// the map's edge is hidden (the largest municipalities keep theirs; every name stays in the
// hover), and on a phone the title's type is smaller. The names are measured once per size,
// view and set of names: a recolour (the same map, other fill colours) reads no layout and
// only puts back what was decided.
(function () {
    // What the names' places depend on, from Plotly's own layout (reading it forces no layout).
    function placesKey(gd, texts) {
        const L = gd._fullLayout || {};
        const g = L.geo || {};
        const axes = [g.lonaxis, g.lataxis].map(function (a) { return (a || {}).range; });
        const plot = L._size || {}; // the plot area: margins move with a colour bar
        return JSON.stringify([L.width, L.height, plot.l, plot.t, plot.w, plot.h, g.center,
            (g.projection || {}).scale, axes, texts.map(function (t) { return t.textContent; })]);
    }

    function declutter(gd) {
        const texts = Array.from(gd.querySelectorAll("g.trace.scattergeo text"));
        if (!texts.length) { return; }
        const key = placesKey(gd, texts);
        const known = gd.__namesShown;
        if (known && known.key === key) {
            texts.forEach(function (t, i) { t.style.display = known.shown[i] ? "" : "none"; });
            return;
        }
        const paths = Array.from(gd.querySelectorAll(".choroplethlocation"));
        const area = function (i) {
            const box = paths[i] && paths[i].getBBox();
            return box ? box.width * box.height : 0;
        };
        const order = texts.map(function (t, i) { return i; })
            .sort(function (a, b) { return area(b) - area(a); });
        const kept = [];
        const shown = texts.map(function () { return true; });
        let complete = true;
        const frame = frameOf(gd);
        order.forEach(function (i) {
            const text = texts[i];
            text.style.display = "";
            const r = text.getBoundingClientRect();
            if (!r.width) { complete = false; return; } // hidden view: decide when shown
            const cut = frame && (r.left < frame.left - 1 || r.right > frame.right + 1
                || r.top < frame.top - 1 || r.bottom > frame.bottom + 1);
            const overlaps = kept.some(function (k) {
                return r.left < k.right + 2 && r.right > k.left - 2
                    && r.top < k.bottom + 1 && r.bottom > k.top - 1;
            });
            if (cut || overlaps) {
                text.style.display = "none";
                shown[i] = false;
            } else { kept.push(r); }
        });
        gd.__namesShown = complete ? {key: key, shown: shown} : null;
    }

    // The map's visible box (the geo subplot's clip rectangle), on screen: a name that would
    // be cut at its edge is hidden like one that overlaps.
    function frameOf(gd) {
        const rect = gd.querySelector("clipPath[id$='geo'] rect");
        const svg = gd.querySelector(".main-svg");
        if (!rect || !svg) { return null; }
        const box = svg.getBoundingClientRect();
        const x = box.left + Number(rect.getAttribute("x"));
        const y = box.top + Number(rect.getAttribute("y"));
        return {
            left: x, top: y,
            right: x + Number(rect.getAttribute("width")),
            bottom: y + Number(rect.getAttribute("height")),
        };
    }

    // On a narrow screen the title's type is smaller, so its first line fits.
    function fitTitle(gd) {
        const layout = gd.layout || {};
        const size = ((layout.title || {}).font || {}).size;
        const width = (gd._fullLayout || {}).width || 0; // Plotly's, not the DOM's: no layout
        const narrow = width > 0 && width < 576;
        if (narrow && size && size > 14 && !gd.__fitting) {
            gd.__fitting = true;
            Promise.resolve(window.Plotly.relayout(gd, {"title.font.size": 14}))
                .finally(function () { gd.__fitting = false; });
        }
    }

    function hook() {
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
            if (gd.__fitHooked || !gd.on) { return; }
            gd.__fitHooked = true;
            gd.on("plotly_afterplot", function () { fitTitle(gd); declutter(gd); });
            declutter(gd);
        });
    }

    let queued = false;
    new MutationObserver(function () {
        if (queued) { return; }
        queued = true;
        requestAnimationFrame(function () { queued = false; hook(); });
    }).observe(document.documentElement, {childList: true, subtree: true});
})();
