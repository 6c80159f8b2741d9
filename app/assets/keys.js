// Arrow keys step through the presentation (the buttons stay usable by mouse and keyboard).
document.addEventListener("keydown", function (event) {
    var page = document.getElementById("presentation-page");
    if (!page || page.hidden || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target && event.target.tagName;
    if (target === "INPUT" || target === "TEXTAREA") { return; }
    var id = event.key === "ArrowRight" || event.key === "PageDown" ? "slide-next"
           : event.key === "ArrowLeft" || event.key === "PageUp" ? "slide-prev" : null;
    if (id) { event.preventDefault(); document.getElementById(id).click(); }
});
