// Cell renderer for the evidence column: the words that put a measure on the municipality are
// wrapped in <mark>. Built from text nodes, never innerHTML, so document text stays text.
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

dagcomponentfuncs.Evidence = function (props) {
    var text = props.value || "";
    var marks = (props.data && props.data.belegg_marks) || [];
    var children = [];
    var pos = 0;
    marks.forEach(function (span, i) {
        if (span[0] > pos) { children.push(text.slice(pos, span[0])); }
        children.push(React.createElement("mark", { key: i }, text.slice(span[0], span[1])));
        pos = span[1];
    });
    if (pos < text.length) { children.push(text.slice(pos)); }
    return React.createElement("span", null, children);
};

// Sort measure numbers as numbers: 1.2.10 after 1.2.9.
dagfuncs.TiltakIdComparator = function (a, b) {
    var pa = String(a).split(".").map(Number), pb = String(b).split(".").map(Number);
    for (var i = 0; i < Math.max(pa.length, pb.length); i++) {
        var d = (pa[i] || 0) - (pb[i] || 0);
        if (d !== 0) { return d; }
    }
    return 0;
};
