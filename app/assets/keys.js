// Keys step through the presentation as in slide software and with a presenter's clicker
// (which sends PageDown/PageUp or arrows): next, previous, first and last. The buttons stay
// usable by mouse and keyboard.
var SLIDE_KEYS = {
    ArrowRight: "slide-next", ArrowDown: "slide-next", PageDown: "slide-next", " ": "slide-next",
    ArrowLeft: "slide-prev", ArrowUp: "slide-prev", PageUp: "slide-prev", Backspace: "slide-prev",
    Home: "slide-first", End: "slide-last",
};
document.addEventListener("keydown", function (event) {
    var page = document.getElementById("presentation-page");
    if (!page || page.hidden || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target && event.target.tagName;
    if (target === "INPUT" || target === "TEXTAREA" || target === "SELECT") { return; }
    var id = SLIDE_KEYS[event.key] || null;
    if (id === "slide-next" && event.key === " " && event.shiftKey) { id = "slide-prev"; }
    if (id) { event.preventDefault(); document.getElementById(id).click(); }
});
