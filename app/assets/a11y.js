// Keyboard and screen-reader fixes for Dash's dropdown (axe: aria-hidden-focus, aria-allowed-attr).
// Its Tab stop is a hidden input (aria-hidden, for Safari) that hands focus to the real button;
// here the button itself is the Tab stop.
(function () {
    function fix() {
        document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (input) {
            if (input.getAttribute("tabindex") !== "-1") { input.setAttribute("tabindex", "-1"); }
            const button = input.nextElementSibling;
            if (button && button.tagName === "BUTTON" && !button.disabled
                && button.getAttribute("tabindex") !== "0") {
                button.setAttribute("tabindex", "0");
            }
        });
        // The open list (a Radix popover) and its listbox, named after the dropdown's label
        // (axe: aria-dialog-name, aria-input-field-name). Its options' radio boxes are hidden
        // in style.css (nested-interactive).
        document.querySelectorAll(".dash-dropdown-content[role=dialog]").forEach(function (content) {
            const trigger = document.querySelector('[aria-controls="' + content.id + '"]');
            const label = trigger && trigger.id
                && document.querySelector('label[for="' + trigger.id + '"]');
            const name = (label ? label.textContent.trim() : "") || "Valg";
            [content, content.querySelector("[role=listbox]")].forEach(function (el) {
                if (el && el.getAttribute("aria-label") !== name) {
                    el.setAttribute("aria-label", name);
                }
            });
        });
        // The clear control sits inside the dropdown's button: a mouse convenience, hidden from
        // assistive technology (Backspace on the focused dropdown clears the choice too).
        document.querySelectorAll("a.dash-dropdown-clear:not([aria-hidden])").forEach(function (a) {
            a.removeAttribute("aria-label");
            a.setAttribute("aria-hidden", "true");
        });
    }
    let queued = false;
    new MutationObserver(function () {
        if (queued) { return; }
        queued = true;
        requestAnimationFrame(function () { queued = false; fix(); });
    }).observe(document.documentElement, {childList: true, subtree: true});
})();
