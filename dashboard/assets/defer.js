/* Parts of a page below the first screen are built when they come near it (dashboard.components.deferred):
   each waits in an empty box marked data-defer with the id of its `shown` store. When the box comes within
   DISTANCE of the screen, the store is set, and a clientside callback moves the part's content into the box.
   New boxes (another page, another view) are picked up as the page changes. */
(function () {
    var ATTRIBUTE = 'data-defer';
    var DISTANCE = '150px 0px';
    var watched = new WeakSet();

    function show(box) {
        window.dash_clientside.set_props(JSON.parse(box.getAttribute(ATTRIBUTE)), {data: true});
    }

    var observer = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
            if (entry.isIntersecting) {
                observer.unobserve(entry.target);
                show(entry.target);
            }
        });
    }, {rootMargin: DISTANCE}) : null;

    function scan() {
        document.querySelectorAll('[' + ATTRIBUTE + ']').forEach(function (box) {
            if (watched.has(box)) {
                return;
            }
            watched.add(box);
            if (observer) {
                observer.observe(box);
            } else {
                show(box);
            }
        });
    }

    var scheduled = false;
    new MutationObserver(function () {
        if (!scheduled) {
            scheduled = true;
            window.requestAnimationFrame(function () {
                scheduled = false;
                scan();
            });
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
})();
