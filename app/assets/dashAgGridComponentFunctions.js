// Functions the Kommune view's grid names (dash-ag-grid looks them up here).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Sort measure numbers as numbers: 1.2.10 after 1.2.9.
dagfuncs.TiltakIdComparator = function (a, b) {
    var pa = String(a).split(".").map(Number), pb = String(b).split(".").map(Number);
    for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
        var d = (pa[i] || 0) - (pb[i] || 0);
        if (d !== 0) { return d; }
    }
    return 0;
};
