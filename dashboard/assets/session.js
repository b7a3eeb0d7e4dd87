/* When the session has ended (idle, expired, logged out elsewhere, user disabled) the server answers the
   dashboard's requests with 401; go to the login page, which brings the user back here afterwards. */
(function () {
    const fetchBefore = window.fetch;
    let leaving = false;
    window.fetch = function () {
        return fetchBefore.apply(this, arguments).then(function (response) {
            if (response.status === 401 && !leaving) {
                leaving = true;
                const here = window.location.pathname + window.location.search;
                window.location.assign('/login?next=' + encodeURIComponent(here));
            }
            return response;
        });
    };
})();
