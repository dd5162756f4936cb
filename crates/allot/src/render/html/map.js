// allot interactive map: pan/zoom by the SVG viewBox, hover, click panel, zone table, layers,
// search, print. Every value from the data goes into the page through textContent only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var box = document.getElementById("map-box");
  var svg = box.querySelector("svg");
  var shapes = {};
  svg.querySelectorAll("path.parcel").forEach(function (el) {
    shapes[el.getAttribute("data-i")] = el;
  });
  var hover = document.getElementById("hover");

  function fmt(x, d) {
    return Number(x).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function areaText(acres) {
    return fmt(acres, 2) + " ac · " + fmt(acres * 0.40468564224, 2) + " ha · " + fmt(acres * 4046.8564224, 0) + " m²";
  }
  function text(el, s) { el.textContent = s == null ? "" : String(s); return el; }
  function make(tag, s) { return text(document.createElement(tag), s); }

  // ---- Pan and zoom (the viewBox) ----
  // The drawing's own coordinates (its viewBox; a page map is sized in mm, drawn in px).
  var base = svg.viewBox && svg.viewBox.baseVal;
  var w0 = base && base.width ? base.width : parseFloat(svg.getAttribute("width"));
  var h0 = base && base.height ? base.height : parseFloat(svg.getAttribute("height"));
  var home = [0, 0, w0, h0];
  var vb = home.slice();
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  function apply() { svg.setAttribute("viewBox", vb.join(" ")); }
  apply();
  function toSvg(clientX, clientY) {
    var p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    var m = svg.getScreenCTM();
    return m ? p.matrixTransform(m.inverse()) : { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2 };
  }
  function zoom(f, cx, cy) {
    var nw = Math.min(Math.max(vb[2] * f, w0 / 200), w0 * 4), k = nw / vb[2];
    vb = [cx - (cx - vb[0]) * k, cy - (cy - vb[1]) * k, nw, vb[3] * k];
    apply();
  }
  function zoomCentre(f) { zoom(f, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2); }
  box.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = toSvg(e.clientX, e.clientY);
    zoom(e.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
  }, { passive: false });
  document.getElementById("zoom-in").onclick = function () { zoomCentre(0.7); };
  document.getElementById("zoom-out").onclick = function () { zoomCentre(1 / 0.7); };
  document.getElementById("zoom-reset").onclick = function () { vb = home.slice(); apply(); };

  var pointers = {}, drag = null, pinch = null, moved = false;
  box.addEventListener("pointerdown", function (e) {
    pointers[e.pointerId] = [e.clientX, e.clientY];
    var ids = Object.keys(pointers);
    if (ids.length === 1) { drag = toSvg(e.clientX, e.clientY); moved = false; }
    if (ids.length === 2) {
      var a = pointers[ids[0]], b = pointers[ids[1]];
      pinch = Math.hypot(a[0] - b[0], a[1] - b[1]); drag = null;
    }
  });
  box.addEventListener("pointermove", function (e) {
    if (!(e.pointerId in pointers)) return;
    pointers[e.pointerId] = [e.clientX, e.clientY];
    var ids = Object.keys(pointers);
    if (ids.length === 2 && pinch) {
      var a = pointers[ids[0]], b = pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
      var c = toSvg((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      if (d > 0) zoom(pinch / d, c.x, c.y);
      pinch = d;
    } else if (drag) {
      var p = toSvg(e.clientX, e.clientY);
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 0.5) { moved = true; box.classList.add("dragging"); }
      vb[0] -= p.x - drag.x; vb[1] -= p.y - drag.y; apply();
    }
  });
  function up(e) {
    delete pointers[e.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    if (Object.keys(pointers).length === 0) { drag = null; box.classList.remove("dragging"); }
  }
  box.addEventListener("pointerup", up);
  box.addEventListener("pointercancel", up);

  // ---- Hover and click ----
  function parcelOf(el) {
    var t = el && el.closest ? el.closest("path.parcel") : null;
    return t ? Number(t.getAttribute("data-i")) : -1;
  }
  svg.addEventListener("mouseover", function (e) {
    var i = parcelOf(e.target);
    text(hover, i < 0 ? "" : data.parcels[i].id + " · " + fmt(data.parcels[i].acres, 2) + " ac");
  });
  svg.addEventListener("click", function (e) {
    if (moved) { moved = false; return; }
    var i = parcelOf(e.target);
    if (i >= 0) select(i, false);
  });
  var selected = null;
  function select(i, centre) {
    var p = data.parcels[i];
    if (selected) selected.classList.remove("sel");
    selected = shapes[i] || null;
    if (selected) selected.classList.add("sel");
    var panel = document.getElementById("panel");
    panel.hidden = false;
    text(document.getElementById("panel-title"), p.id);
    var t = document.getElementById("panel-table");
    t.textContent = "";
    function row(k, v) {
      var tr = document.createElement("tr");
      tr.appendChild(make("th", k)); tr.appendChild(make("td", v));
      t.appendChild(tr);
    }
    row("id", p.id);
    row("area", areaText(p.acres));
    var c = data.classes[p["class"]];
    if (c) row(data.heading, c.name);
    Object.keys(p.props).forEach(function (k) {
      var v = p.props[k];
      row(k, typeof v === "string" ? v : JSON.stringify(v));
    });
    if (centre && selected) {
      var b = selected.getBBox(), s = Math.max(b.width, b.height, 20) * 6;
      vb = [b.x + b.width / 2 - s / 2, b.y + b.height / 2 - s * h0 / w0 / 2, s, s * h0 / w0];
      apply();
    }
  }

  // ---- Zone table ----
  text(document.getElementById("zones-heading"), data.heading);
  var zt = document.getElementById("zones");
  data.classes.forEach(function (c, k) {
    var tr = document.createElement("tr");
    var name = document.createElement("td");
    var sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = /^#[0-9A-F]{6}$/.test(c.colour) ? c.colour : "#DDDDDD";
    name.appendChild(sw);
    name.appendChild(document.createTextNode(c.name));
    tr.appendChild(name);
    tr.appendChild(make("td", fmt(c.acres, 1) + " ac"));
    tr.appendChild(make("td", c.parcels + " parcels"));
    tr.onclick = function () {
      var on = !tr.classList.contains("active");
      zt.querySelectorAll("tr").forEach(function (r) { r.classList.remove("active"); });
      svg.querySelectorAll("path.parcel.hl").forEach(function (el) { el.classList.remove("hl"); });
      if (!on) return;
      tr.classList.add("active");
      data.parcels.forEach(function (p, i) {
        if (p["class"] === k && shapes[i]) shapes[i].classList.add("hl");
      });
    };
    zt.appendChild(tr);
  });

  // ---- Layers ----
  var layerClass = { parcels: "hide-parcels", outlines: "no-outlines", labels: "hide-labels", findings: "hide-findings" };
  document.querySelectorAll("#layers input").forEach(function (cb) {
    cb.onchange = function () { box.classList.toggle(layerClass[cb.getAttribute("data-layer")], !cb.checked); };
  });

  // ---- Search ----
  var search = document.getElementById("search");
  function find() {
    var q = search.value.trim().toLowerCase(), hit = -1;
    if (q) {
      for (var i = 0; i < data.parcels.length && hit < 0; i++) {
        if (String(data.parcels[i].id).toLowerCase() === q) hit = i;
      }
      for (var j = 0; j < data.parcels.length && hit < 0; j++) {
        var p = data.parcels[j];
        if (String(p.id).toLowerCase().indexOf(q) >= 0 || (p.name && String(p.name).toLowerCase().indexOf(q) >= 0)) hit = j;
      }
    }
    text(document.getElementById("search-result"), hit < 0 ? (q ? "No parcel matches." : "") : "Found " + data.parcels[hit].id);
    if (hit >= 0) select(hit, true);
    return hit;
  }
  document.getElementById("search-go").onclick = find;
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") find(); });

  document.getElementById("print").onclick = function () { window.print(); };
  window.allotMap = { select: select, find: find };
})();
