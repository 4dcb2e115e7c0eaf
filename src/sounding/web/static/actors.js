// The actor map: draws the nodes and ties given in the SVG's data-graph attribute (computed
// and laid out by the server), with pan (drag), zoom (wheel, buttons) and a tooltip.
// Every text from the networks goes through textContent, never innerHTML.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("actor-map");
  var tip = document.getElementById("map-tip");
  if (!svg || !tip) { return; }
  var graph = JSON.parse(svg.getAttribute("data-graph") || "{}");
  var nodes = graph.nodes || [], edges = graph.edges || [], span = graph.span || 1000;
  // the page's words and number style: the tooltip speaks the page's language
  var words = JSON.parse(svg.getAttribute("data-words") || "{}");
  var comma = document.documentElement.lang === "fr";
  var view = { x: 0, y: 0, w: span, h: span };

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  var world = el("g", { "class": "world" });
  var ties = el("g", { "class": "ties" });
  var dots = el("g", { "class": "nodes" });
  var lines = edges.map(function (e) {
    var a = nodes[e[0]], b = nodes[e[1]];
    var line = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y,
                            "stroke-width": Math.min(0.5 + Math.log(1 + e[2]), 4) });
    ties.appendChild(line);
    return line;
  });
  nodes.forEach(function (n, i) {
    // one colour per community (the largest ones); smaller ones hollow, none grey
    var cls = n.colour !== null && n.colour !== undefined ? "c-" + n.colour
      : (n.community > 0 ? "minor" : "loose");
    var dot = el("circle", { cx: n.x, cy: n.y, r: n.size, "class": "node " + cls,
                             "data-i": i });
    dots.appendChild(dot);
  });
  world.appendChild(ties);
  world.appendChild(dots);
  svg.appendChild(world);

  function applyView() {
    svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
  }

  function toWorld(evt) {
    var box = svg.getBoundingClientRect();
    return { x: view.x + (evt.clientX - box.left) / box.width * view.w,
             y: view.y + (evt.clientY - box.top) / box.height * view.h };
  }

  function zoom(factor, centre) {
    var w = Math.min(Math.max(view.w * factor, span / 50), span * 2);
    var k = w / view.w;
    view.x = centre.x - (centre.x - view.x) * k;
    view.y = centre.y - (centre.y - view.y) * k;
    view.w = w; view.h = w;
    applyView();
  }

  function middle() { return { x: view.x + view.w / 2, y: view.y + view.h / 2 }; }

  function show(i, evt) {
    var n = nodes[i];
    tip.textContent = "";
    var name = document.createElement("strong");
    name.textContent = n.label;
    var more = document.createElement("div");
    var rank = n.pagerank.toFixed(4);
    more.textContent = (n.community > 0 ? (words.community || "Community") + " " + n.community
      : (words.no_community || "No community")) +
      " · PageRank " + (comma ? rank.replace(".", ",") : rank);
    tip.appendChild(name);
    tip.appendChild(more);
    var box = svg.parentNode.getBoundingClientRect();
    tip.style.left = (evt.clientX - box.left + 12) + "px";
    tip.style.top = (evt.clientY - box.top + 12) + "px";
    tip.hidden = false;
    edges.forEach(function (e, k) {
      lines[k].classList.toggle("hot", e[0] === i || e[1] === i);
    });
  }

  function hide() {
    tip.hidden = true;
    lines.forEach(function (line) { line.classList.remove("hot"); });
  }

  dots.addEventListener("pointerover", function (evt) {
    var i = evt.target.getAttribute("data-i");
    if (i !== null) { show(Number(i), evt); }
  });
  dots.addEventListener("pointerout", hide);

  var drag = null;
  svg.addEventListener("pointerdown", function (evt) {
    drag = { start: toWorld(evt), x: view.x, y: view.y };
    svg.classList.add("dragging");
  });
  window.addEventListener("pointerup", function () {
    drag = null;
    svg.classList.remove("dragging");
  });
  svg.addEventListener("pointermove", function (evt) {
    if (!drag) { return; }
    var now = toWorld(evt);
    view.x -= now.x - drag.start.x;
    view.y -= now.y - drag.start.y;
    applyView();
  });
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    zoom(evt.deltaY > 0 ? 1.2 : 1 / 1.2, toWorld(evt));
  }, { passive: false });

  function button(id, action) {
    var b = document.getElementById(id);
    if (b) { b.addEventListener("click", action); }
  }
  button("zoom-in", function () { zoom(1 / 1.5, middle()); });
  button("zoom-out", function () { zoom(1.5, middle()); });
  button("zoom-reset", function () {
    view = { x: 0, y: 0, w: span, h: span };
    applyView();
  });
  svg.setAttribute("data-ready", String(nodes.length));
}());
