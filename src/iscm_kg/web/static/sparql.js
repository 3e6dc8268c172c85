// The query page: YASGUI on this server's own endpoint, one ready tab per stored query.
(function () {
  "use strict";
  // Only the completers that work offline (the others call outside hosts).
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var endpoint = new URL("/sparql", window.location.href).href;
  var stored = JSON.parse(document.getElementById("stored-queries").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: stored.length === 0,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  stored.forEach(function (q, i) {
    yasgui.addTab(i === 0, {
      id: "query-" + q.name,
      name: q.name,
      yasqe: { value: q.query },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  });
  window.iscmYasgui = yasgui;
})();
