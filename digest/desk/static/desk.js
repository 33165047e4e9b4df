// The curator's desk: saves each change as JSON, shows what the server answered.
// Text from the server is only ever set with textContent (never as markup).
"use strict";
(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const view = document.body.dataset.view;
  const statusLine = $("#desk-status");
  const alertBox = $("#desk-alert");
  const conflict = $("#desk-conflict");
  const tagList = $("#desk-tag-list");
  const allTags = tagList ? $$("option", tagList).map((o) => o.value) : [];
  let currentId = null;

  const say = (text) => { statusLine.textContent = text; };
  const fail = (text) => { alertBox.textContent = text; };

  async function post(action, payload) {
    const response = await fetch("/_desk/api/" + action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
    });
    let data;
    try { data = await response.json(); } catch (e) { data = { error: "not saved (" + response.status + ")" }; }
    return { status: response.status, data };
  }

  function accepted(result) {
    if (result.status === 200) {
      alertBox.textContent = "";
      if (conflict) conflict.hidden = true;
      return true;
    }
    const data = result.data;
    if (result.status === 409 && data.disk && conflict) {
      $("[data-conflict-file]", conflict).textContent = data.source || "";
      const yours = data.yours || {};
      $("[data-conflict-yours]", conflict).textContent =
        yours.text != null ? yours.text : JSON.stringify(yours.changes || {}, null, 2);
      $("[data-conflict-disk]", conflict).textContent =
        data.disk.text != null ? data.disk.text : "(the file is gone)";
      conflict.hidden = false;
    }
    fail(data.error || "not saved (" + result.status + ")");
    return false;
  }

  // --- fields: what changed since the page (or the last save) set them ---------------
  const fieldsOf = (form) => $$("input[name], textarea[name], select[name]", form);
  const valueOf = (el) => (el.type === "checkbox" ? el.checked : el.value);
  function initialOf(el) {
    if (el.type === "checkbox") return el.defaultChecked;
    if (el.tagName === "SELECT") {
      const chosen = Array.from(el.options).find((o) => o.defaultSelected) || el.options[0];
      return chosen ? chosen.value : "";
    }
    return el.defaultValue;
  }
  function settle(el) {
    if (el.type === "checkbox") el.defaultChecked = el.checked;
    else if (el.tagName === "SELECT") for (const o of el.options) o.defaultSelected = o.selected;
    else el.defaultValue = el.value;
  }
  function changesOf(form) {
    const out = {};
    for (const el of fieldsOf(form)) if (valueOf(el) !== initialOf(el)) out[el.name] = valueOf(el);
    return out;
  }

  const holderOf = (el) => $("form[data-version]", el) || el;

  async function save(holder, change) {
    say("Saving " + Object.keys(change).join(", ") + "…");
    const result = await post("save", { id: holder.dataset.id, version: holder.dataset.version, changes: change });
    if (!accepted(result)) return null;
    const data = result.data;
    holder.dataset.version = data.version;
    if (holder.tagName === "FORM") for (const el of fieldsOf(holder)) if (el.name in change) settle(el);
    data.saved = "Saved " + Object.keys(change).join(", ") + " in " + data.source;
    return data;
  }

  function showArticle(form, data) {
    const file = $("[data-file]");
    if (file) file.textContent = data.text;
    const title = $("[data-title]");
    if (title) title.textContent = data.title;
    const shown = $("[data-shown]");
    if (shown) { shown.textContent = data.status; shown.className = "desk-badge desk-badge--" + data.shown; }
    const select = $("select[name=status]", form);
    if (select) { select.value = data.status; settle(select); }
    const review = $("[data-review]", form);
    if (review) {
      review.replaceChildren();
      if (data.review.length) {
        const p = document.createElement("p");
        p.textContent = "Review notes:";
        const list = document.createElement("ul");
        for (const note of data.review) {
          const li = document.createElement("li");
          li.textContent = note;
          list.append(li);
        }
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.clearReview = "";
        button.textContent = "Clear review notes";
        review.append(p, list, button);
      }
    }
    const frame = $("iframe[data-preview]");
    if (frame && new URL(frame.src, location.href).pathname !== data.url) frame.src = data.url;
  }

  async function afterSave(holder, data) {
    if (!data) return;
    if (view === "article") showArticle(holder, data);
    else await refresh();
    say(data.saved);  // once the page shows it too
  }

  async function submit(form) {
    const change = changesOf(form);
    if (!Object.keys(change).length) { say("Nothing to save: no field changed"); return; }
    await afterSave(form, await save(form, change));
  }

  // --- lists: refresh in place, the current article, moves -------------------------
  async function refresh() {
    const active = document.activeElement;
    const card = active && active.closest ? active.closest("[data-id]") : null;
    const name = active && (active.name || (active.dataset && active.dataset.move));
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const old of $$("[data-refresh]")) {
      const next = fresh.getElementById(old.id);
      if (next) old.replaceWith(document.importNode(next, true));
    }
    bind();
    if (card) refocus(card.dataset.id, name);
  }

  function refocus(id, name) {
    const item = itemById(id);
    if (!item) return;
    setCurrent(item);
    const control = name && (item.querySelector(`[name="${name}"]`) || item.querySelector(`[data-move="${name}"]`));
    (control && !control.disabled ? control : $("[data-current-link]", item)).focus();
  }

  const items = () => $$(".desk-card, .desk-item");
  const itemById = (id) => items().find((el) => el.dataset.id === id) || null;

  function setCurrent(item) {
    for (const el of $$(".is-current")) el.classList.remove("is-current");
    if (item) { item.classList.add("is-current"); currentId = item.dataset.id; }
  }

  function current() {
    if (view === "article") return $("form.desk-form");
    return itemById(currentId);
  }

  async function order(card, ids) {
    say("Saving the order…");
    const cards = $$(":scope > .desk-card", card.parentElement);
    const versions = {};
    for (const c of cards) versions[c.dataset.id] = holderOf(c).dataset.version;
    const result = await post("order", { id: card.dataset.id, ids, versions });
    if (!accepted(result)) return;
    say("Moved: order saved for " + Object.keys(result.data.versions).length + " article(s)");
    await refresh();
  }

  async function move(card, direction) {
    const cards = $$(":scope > .desk-card", card.parentElement);
    const from = cards.indexOf(card);
    const to = direction === "up" ? from - 1 : from + 1;
    if (to < 0 || to >= cards.length) return;
    const ids = cards.map((c) => c.dataset.id);
    [ids[from], ids[to]] = [ids[to], ids[from]];
    await order(card, ids);
  }

  let dragged = null;
  function bindDrag(card) {
    if (!window.matchMedia("(pointer: fine)").matches) return;
    const grip = document.createElement("span");
    grip.className = "desk-grip";
    grip.draggable = true;
    grip.title = "Drag to reorder";
    grip.setAttribute("aria-hidden", "true");
    grip.textContent = "⠿";
    card.prepend(grip);
    grip.addEventListener("dragstart", (event) => {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.id);
    });
    grip.addEventListener("dragend", () => { dragged = null; });
    card.addEventListener("dragover", (event) => {
      if (dragged && dragged !== card && dragged.parentElement === card.parentElement) event.preventDefault();
    });
    card.addEventListener("drop", async (event) => {
      if (!dragged || dragged.parentElement !== card.parentElement) return;
      event.preventDefault();
      const moving = dragged;
      dragged = null;
      const cards = $$(":scope > .desk-card", card.parentElement).filter((c) => c !== moving);
      const box = card.getBoundingClientRect();
      const at = cards.indexOf(card) + (event.clientY > box.top + box.height / 2 ? 1 : 0);
      cards.splice(at, 0, moving);
      await order(moving, cards.map((c) => c.dataset.id));
    });
  }

  function suggestTags(input) {
    const cut = input.value.lastIndexOf(",");
    const before = cut < 0 ? "" : input.value.slice(0, cut + 1) + " ";
    const part = input.value.slice(cut + 1).trim().toLowerCase();
    const chosen = new Set(input.value.split(",").map((t) => t.trim()));
    const options = allTags.filter((t) => !chosen.has(t) && t.toLowerCase().startsWith(part))
      .map((t) => { const o = document.createElement("option"); o.value = before.trimStart() + t; return o; });
    tagList.replaceChildren(...options);
  }

  function bind() {
    for (const form of $$("form.desk-form:not([data-bound])")) {
      form.dataset.bound = "";
      form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
      form.addEventListener("click", async (event) => {
        const clear = event.target.closest("[data-clear-review]");
        if (clear) await afterSave(form, await save(form, { review: [] }));
        const mover = event.target.closest("[data-move]");
        if (mover) await move(form.closest(".desk-card"), mover.dataset.move);
      });
      for (const input of $$("[data-tags]", form)) input.addEventListener("input", () => suggestTags(input));
    }
    for (const card of $$(".desk-card:not([data-drag])")) { card.dataset.drag = ""; bindDrag(card); }
    if (currentId) { const item = itemById(currentId); if (item) item.classList.add("is-current"); }
  }

  // --- keyboard shortcuts ----------------------------------------------------------
  function step(by) {
    if (view === "article") {
      const link = $(by > 0 ? "a[rel=next]" : "a[rel=prev]");
      if (link) location.href = link.href;
      return;
    }
    const list = items();
    if (!list.length) return;
    const at = list.findIndex((el) => el.dataset.id === currentId);
    const next = list[at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + by))];
    setCurrent(next);
    $("[data-current-link]", next).focus();
    next.scrollIntoView({ block: "nearest" });
  }

  async function quick(change) {
    const target = current();
    if (!target) { say("Pick an article first (j / k)"); return; }
    const holder = holderOf(target);
    if (holder.tagName === "FORM") {
      for (const [name, value] of Object.entries(change)) {
        const el = $(`[name="${name}"]`, holder);
        if (el && el.type === "checkbox") el.checked = value;
        else if (el) el.value = value;
      }
    }
    await afterSave(holder, await save(holder, change));
  }

  function featuredNow(target) {
    const box = $("input[name=featured]", target);
    return box ? box.checked : target.dataset.featured === "true";
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const here = current();
    const actions = {
      j: () => step(1),
      k: () => step(-1),
      f: () => here && quick({ featured: !featuredNow(here) }),
      p: () => quick({ status: "published" }),
      h: () => quick({ status: "held" }),
      r: () => quick({ status: "rejected" }),
      n: () => {
        const note = here && $("textarea[name=note]", here);
        if (note) note.focus();
        else if (here) location.href = $("[data-current-link]", here).href + "#note";
      },
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  document.addEventListener("focusin", (event) => {
    const item = event.target.closest && event.target.closest(".desk-card, .desk-item");
    if (item) setCurrent(item);
  });

  const reload = $("[data-conflict-reload]");
  if (reload) reload.addEventListener("click", () => location.reload());

  bind();
  if (view === "article" && location.hash === "#note") {
    const note = $("textarea[name=note]");
    if (note) note.focus();
  }
  document.body.dataset.deskReady = "true";
})();
