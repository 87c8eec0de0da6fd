// Entry page of a sampling inspection: keyboard moves, and saving only the changed rows as one
// JSON field without reloading the page (the page also works as a plain form without this file).
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var tbody = form.querySelector("tbody");
  var errors = document.getElementById("entry-errors");
  var status = document.getElementById("entry-status");
  var payload = document.getElementById("entry-payload");

  function rowOf(el) { return el.closest("tr[data-id]"); }

  tbody.addEventListener("input", function (e) { mark(rowOf(e.target)); });
  tbody.addEventListener("change", function (e) { mark(rowOf(e.target)); });
  function mark(tr) { if (tr) { tr.dataset.changed = "1"; tr.classList.add("table-warning"); } }

  // Enter: the same input of the next row (Shift+Enter: previous row), like a spreadsheet.
  tbody.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.target.tagName !== "INPUT") { return; }
    e.preventDefault();
    var tr = rowOf(e.target);
    var cells = Array.prototype.slice.call(tr.children);
    var col = cells.indexOf(e.target.closest("td"));
    var next = e.shiftKey ? tr.previousElementSibling : tr.nextElementSibling;
    if (!next) { return; }
    var target = next.children[col].querySelector("input[type=radio]:checked") || next.children[col].querySelector("input");
    if (target) { target.focus(); if (target.select) { target.select(); } }
  });

  function rowData(tr) {
    var id = tr.dataset.id;
    var checked = tr.querySelector("input[name=r" + id + "]:checked");
    var measurements = {};
    tr.querySelectorAll("input[data-metric]").forEach(function (input) {
      if (input.value.trim() !== "") { measurements[input.dataset.metric] = input.value.trim(); }
    });
    return {
      id: id, position: tr.dataset.position,
      version: tr.querySelector("input[name=v" + id + "]").value,
      result: checked ? checked.value : "pending",
      defects: tr.querySelector("input[name=d" + id + "]").value,
      note: tr.querySelector("input[name=n" + id + "]").value,
      measurements: measurements
    };
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var changed = tbody.querySelectorAll("tr[data-changed='1']");
    var rows = Array.prototype.map.call(changed, rowData);
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("payload", JSON.stringify(rows));
    status.textContent = form.dataset.saving;
    fetch(window.location.href, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken")}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (r) {
      errors.classList.add("d-none");
      errors.textContent = "";
      if (!r.ok) {
        errors.classList.remove("d-none");
        var p = document.createElement("div"); p.textContent = r.data.detail; errors.appendChild(p);
        var ul = document.createElement("ul");
        (r.data.errors || []).forEach(function (text) {
          var li = document.createElement("li"); li.textContent = text; ul.appendChild(li);
        });
        errors.appendChild(ul);
        status.textContent = "";
        return;
      }
      Object.keys(r.data.versions || {}).forEach(function (id) {
        var input = tbody.querySelector("input[name=v" + id + "]");
        if (input) { input.value = r.data.versions[id]; }
      });
      changed.forEach(function (tr) { delete tr.dataset.changed; tr.classList.remove("table-warning"); });
      status.textContent = r.data.detail;
    }).catch(function () {
      // Network trouble: fall back to the plain form post of the changed rows.
      payload.disabled = false;
      payload.value = JSON.stringify(rows);
      tbody.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
      form.submit();
    });
  });
})();
