// The search page: looks words up in the index the build writes to search/data/.
// Reading the site never needs this file. No dependencies, no build step.
(function () {
  "use strict";

  const PAGE = 20; // results shown at first, and added by each "load more"
  const DEBOUNCE = 150; // ms of quiet typing before a search runs
  const SLOW = 400; // ms before a search still waiting for the network says so
  const KEY = 65536; // a hit's key is chunk * KEY + index in the chunk
  const FORMAT = 1; // the index format this file reads

  // ---- terms: normalised exactly as the build normalises the index ----

  function termsOf(text) {
    // Lowercased again after NFKD: some letters only decompose to capitals (ℌ -> H).
    const plain = text.toLowerCase().normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
    return plain.match(/[\p{L}\p{N}]+/gu) || [];
  }

  // Every term that starts with the same two code points is in the same bucket file,
  // so one file per chunk holds all the terms a query word can be a prefix of.
  function bucketOf(term, buckets) {
    const cps = Array.from(term, (c) => c.codePointAt(0));
    return (cps[0] * 31 + (cps.length > 1 ? cps[1] : 0)) % buckets;
  }

  // A word of one code point matches only itself ("a" would match half the index).
  function matcherOf(word) {
    const prefix = Array.from(word).length >= 2;
    return (term) => term === word || (prefix && term.startsWith(word));
  }

  // ---- the index files ----

  function openIndex(base) {
    const files = new Map(); // path -> promise: a file is fetched once, however often asked
    const docs = new Map(); // chunk -> documents, once loaded (sorting reads them synchronously)

    function load(path) {
      if (!files.has(path)) {
        const promise = fetch(new URL(path, base)).then((response) => {
          if (!response.ok) {
            throw new Error(`${response.status} ${response.statusText}: ${response.url}`);
          }
          return response.json();
        });
        // A failure is not kept: the next search may try again (the network came back).
        promise.catch(() => files.delete(path));
        files.set(path, promise);
      }
      return files.get(path);
    }

    return {
      meta: () => load("meta.json").then((meta) => {
        if (!meta || meta.format !== FORMAT) {
          throw new Error(`search index: format ${meta && meta.format}, expected ${FORMAT}`);
        }
        return {
          chunks: Number(meta.chunks) || 0,
          buckets: Number(meta.buckets) || 64,
          documents: Number(meta.documents) || 0,
          publications: Array.isArray(meta.publications) ? meta.publications.map(String) : [],
        };
      }),
      bucket: (chunk, bucket) => load(`${chunk}/${bucket}.json`),
      loadDocs: (chunk) => load(`${chunk}/docs.json`).then((list) => {
        docs.set(chunk, Array.isArray(list) ? list : []);
      }),
      // The document of a hit: strings only, whatever the file holds.
      doc(hit) {
        const row = (docs.get(hit.chunk) || [])[hit.index];
        const field = (n) => (Array.isArray(row) && row[n] != null ? String(row[n]) : "");
        return { url: field(0), title: field(1), publication: field(2), date: field(3), excerpt: field(4) };
      },
      hasDocs: (chunk) => docs.has(chunk),
    };
  }

  // ---- matching and scoring ----

  // Scores of one query word: doc key -> Σ weight × log(1 + D/df) over the terms it
  // matches, halved for terms it is only a prefix of.
  async function scoreWord(index, meta, word) {
    const bucket = bucketOf(word, meta.buckets);
    const chunks = Array.from({ length: meta.chunks }, (_, k) => k);
    const files = await Promise.all(chunks.map((k) => index.bucket(k, bucket)));
    const matches = matcherOf(word);
    const terms = new Map(); // term -> { df, postings: [[chunk, flat list], ...] }
    files.forEach((file, chunk) => {
      for (const term of Object.keys(file || {})) {
        const list = file[term];
        if (!matches(term) || !Array.isArray(list)) continue;
        let entry = terms.get(term);
        if (!entry) terms.set(term, (entry = { df: 0, postings: [] }));
        entry.df += list.length >> 1; // df counts documents over every chunk
        entry.postings.push([chunk, list]);
      }
    });
    const scores = new Map();
    for (const [term, { df, postings }] of terms) {
      const factor = (term === word ? 1 : 0.5) * Math.log(1 + meta.documents / df);
      for (const [chunk, list] of postings) {
        for (let j = 0; j + 1 < list.length; j += 2) {
          const key = chunk * KEY + list[j];
          scores.set(key, (scores.get(key) || 0) + list[j + 1] * factor);
        }
      }
    }
    return scores;
  }

  // Documents matching every word, best score first (ties: later chunk/index first;
  // the date, which breaks ties properly, is only known once docs.json is loaded).
  async function find(index, words) {
    const meta = await index.meta();
    const perWord = await Promise.all(words.map((word) => scoreWord(index, meta, word)));
    perWord.sort((a, b) => a.size - b.size); // walk the rarest word's documents
    const [first, ...rest] = perWord;
    const hits = [];
    for (const [key, score] of first || []) {
      if (!rest.every((other) => other.has(key))) continue; // every word must match
      const total = rest.reduce((sum, other) => sum + other.get(key), score);
      hits.push({ chunk: Math.floor(key / KEY), index: key % KEY, score: total });
    }
    return hits.sort((a, b) => b.score - a.score || b.chunk - a.chunk || b.index - a.index);
  }

  // The hits in the order they are shown, with everything up to `count` ready to show.
  // Only the chunks that can be shown are loaded: those of the first `count` hits and
  // of every hit tied with the last of them (dates order ties). A publication filter
  // needs every hit's publication, so it loads every chunk with a hit.
  async function arrange(index, search, count) {
    const { hits, pub } = search;
    let needed = hits;
    if (!pub && hits.length > count) {
      const last = hits[count - 1].score;
      let end = count;
      while (end < hits.length && hits[end].score === last) end += 1;
      needed = hits.slice(0, end);
    }
    const chunks = new Set(needed.map((hit) => hit.chunk));
    await Promise.all(Array.from(chunks, (chunk) => index.loadDocs(chunk)));
    const list = pub ? hits.filter((hit) => index.doc(hit).publication === pub) : hits.slice();
    const date = (hit) => (index.hasDocs(hit.chunk) ? index.doc(hit).date : "");
    // ISO partial dates sort as text: "2025-10-06" > "2025-10" > "2025" > "".
    const newer = (a, b) => (date(a) < date(b) ? 1 : date(a) > date(b) ? -1 : 0);
    return list.sort((a, b) => b.score - a.score || newer(a, b)
      || b.chunk - a.chunk || b.index - a.index);
  }

  // ---- text in the page: always text nodes, never markup ----

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  // Appends `text`, wrapping in <mark> every word a query word matches.
  function appendMarked(parent, text, matchers) {
    let at = 0;
    for (const found of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      if (!termsOf(found[0]).some((term) => matchers.some((matches) => matches(term)))) continue;
      parent.append(text.slice(at, found.index));
      const mark = el("mark");
      mark.textContent = found[0];
      parent.append(mark);
      at = found.index + found[0].length;
    }
    parent.append(text.slice(at));
  }

  function localeOf() {
    const lang = document.documentElement.lang || undefined;
    try {
      Intl.DateTimeFormat.supportedLocalesOf(lang || []);
      return lang;
    } catch (err) {
      return undefined; // an invalid lang attribute: the browser's own locale
    }
  }

  const LOCALE = localeOf();
  const STYLES = { // as precise as the date is; UTC so no time zone shifts the day
    day: { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" },
    month: { year: "numeric", month: "long", timeZone: "UTC" },
    year: { year: "numeric", timeZone: "UTC" },
  };

  // "2025-10-06", "2025-10" or "2025" in the page's language; "" for anything else.
  function formatDate(iso) {
    const parts = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
    if (!parts) return "";
    const [year, month, day] = parts.slice(1).map((p) => (p ? Number(p) : 1));
    const date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year); // Date.UTC reads years below 100 as 19xx
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return ""; // 2025-13-40
    const style = parts[3] ? "day" : parts[2] ? "month" : "year";
    return new Intl.DateTimeFormat(LOCALE, STYLES[style]).format(date);
  }

  // ---- the page ----

  function start() {
    const box = document.getElementById("search");
    if (!box) return;
    const text = box.dataset;
    // url() writes folders as ".../index.html": their folder is what the files hang off.
    const folder = (link) => new URL("./", new URL(link, window.location.href));
    const index = openIndex(folder(text.index || "data/"));
    const root = folder(text.root || "../");

    const form = el("form", "search__form");
    form.setAttribute("role", "search");
    const field = el("input", "search__input");
    Object.assign(field, {
      type: "search", id: "search-query", name: "q", placeholder: text.placeholder || "",
      autocomplete: "off", spellcheck: false, enterKeyHint: "search",
    });
    const fieldLabel = el("label", "visually-hidden");
    fieldLabel.htmlFor = field.id;
    fieldLabel.textContent = text.label || text.placeholder || "";
    const clear = el("button", "search__clear");
    clear.type = "button";
    clear.textContent = text.clear || "×";
    clear.hidden = true;
    const filter = el("div", "search__filter");
    filter.hidden = true; // until meta.json names two publications or more
    const select = el("select", "search__pub");
    select.id = "search-publication";
    select.append(new Option(text.allPublications || "", ""));
    const selectLabel = el("label", "visually-hidden");
    selectLabel.htmlFor = select.id;
    selectLabel.textContent = text.publication || "";
    filter.append(selectLabel, select);
    const row = el("div", "search__field");
    row.append(fieldLabel, field, clear);
    form.append(row, filter);

    const status = el("p", "search__status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const results = el("ol", "search__results");
    const more = el("button", "search__more");
    more.type = "button";
    more.textContent = text.loadMore || "";
    more.hidden = true;
    box.append(form, status, results, more);

    let latest = 0; // the newest search; answers to older ones are dropped
    let shown = null; // the search whose results are on the page
    let timer = 0;

    function say(message, query) {
      status.classList.remove("search__status--error");
      status.replaceChildren();
      const [before, ...after] = message.split("[SEARCH_TERM]");
      status.append(before);
      if (after.length) {
        const term = el("strong");
        term.textContent = query;
        status.append(term, after.join(query));
      }
    }

    function countText(count) {
      let plural = "other";
      try {
        plural = new Intl.PluralRules(LOCALE).select(count);
      } catch (err) { /* no plural rules: "other" */ }
      const message = (plural === "one" && text.resultsOne) || text.resultsOther || "[COUNT]";
      return message.split("[COUNT]").join(new Intl.NumberFormat(LOCALE).format(count));
    }

    function failed(err) {
      // Browsers refuse fetch() on pages opened from disk: say so, not just "failed".
      const fromDisk = window.location.protocol === "file:";
      say((fromDisk && text.needsServer) || text.failed || String(err));
      status.classList.add("search__status--error");
      results.replaceChildren();
      more.hidden = true;
      shown = null;
      if (window.console) console.error("search:", err);
    }

    function linkTo(url) {
      const target = new URL(url, root);
      if (target.protocol !== root.protocol) return null; // only pages of this site
      // The site's own links name index.html, so they work from any static host.
      if (target.pathname.endsWith("/")) target.pathname += "index.html";
      return target.href;
    }

    function item(hit, search) {
      const doc = index.doc(hit);
      const li = el("li", "search__result");
      const heading = el("h2", "search__title");
      const link = el("a");
      const href = linkTo(doc.url);
      if (href) link.href = href;
      appendMarked(link, doc.title || doc.url, search.matchers);
      heading.append(link);
      li.append(heading);
      const meta = el("p", "meta");
      if (doc.publication) {
        const pub = el("span", "meta__pub");
        pub.textContent = doc.publication;
        meta.append(pub);
      }
      const when = formatDate(doc.date);
      if (when) {
        const time = el("time");
        time.dateTime = doc.date;
        time.textContent = when;
        const span = el("span");
        span.append(time);
        meta.append(span);
      }
      if (meta.childNodes.length) li.append(meta);
      if (doc.excerpt) {
        const excerpt = el("p", "search__excerpt");
        appendMarked(excerpt, doc.excerpt, search.matchers);
        li.append(excerpt);
      }
      return li;
    }

    // Shows the arranged hits up to `count` (after those already shown).
    function show(search, list, count) {
      const end = Math.min(count, list.length);
      const items = list.slice(search.shown, end).map((hit) => item(hit, search));
      results.append(...items);
      search.shown = end;
      more.hidden = end >= list.length;
      if (list.length) say(countText(list.length));
      else say(text.zeroResults || "", search.query);
      return items;
    }

    // Searches can be linked to: /search/?q=words&pub=Name.
    function remember(query, pub) {
      const params = new URLSearchParams(window.location.search);
      if (query) params.set("q", query);
      else params.delete("q");
      if (pub) params.set("pub", pub);
      else params.delete("pub");
      const search = params.toString();
      const url = window.location.pathname + (search ? `?${search}` : "") + window.location.hash;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch (err) { /* some file:// pages refuse; the search still runs */ }
    }

    async function run() {
      clearTimeout(timer);
      const id = ++latest;
      const query = field.value.trim();
      const pub = select.value;
      remember(query, pub);
      clear.hidden = !field.value;
      if (!query) {
        results.replaceChildren();
        more.hidden = true;
        shown = null;
        say("");
        return;
      }
      const words = Array.from(new Set(termsOf(query)));
      const search = { query, pub, words, matchers: words.map(matcherOf), hits: [], shown: 0 };
      const slow = setTimeout(() => {
        if (id === latest && text.loading) say(text.loading);
      }, SLOW);
      try {
        search.hits = words.length ? await find(index, words) : [];
        if (id !== latest) return;
        const list = await arrange(index, search, PAGE);
        if (id !== latest) return;
        results.replaceChildren(); // only now: the old results stay until the new ones are in
        shown = search;
        show(search, list, PAGE);
      } catch (err) {
        if (id === latest) failed(err);
      } finally {
        clearTimeout(slow);
      }
    }

    async function loadMore() {
      const search = shown;
      if (!search) return;
      more.disabled = true;
      try {
        const list = await arrange(index, search, search.shown + PAGE);
        if (search !== shown) return;
        const items = show(search, list, search.shown + PAGE);
        // Keyboard users carry on from the first new result (the button may be gone).
        if (items.length) items[0].querySelector("a").focus();
      } catch (err) {
        if (search === shown) failed(err);
      } finally {
        more.disabled = false;
      }
    }

    function reset() {
      field.value = "";
      run();
    }

    field.addEventListener("input", () => {
      clear.hidden = !field.value;
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE);
    });
    field.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && field.value) {
        event.preventDefault();
        reset();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault(); // Enter searches at once, without leaving the page
      run();
    });
    clear.addEventListener("click", () => {
      reset();
      field.focus();
    });
    select.addEventListener("change", run);
    more.addEventListener("click", loadMore);

    const params = new URLSearchParams(window.location.search);
    field.value = params.get("q") || "";
    clear.hidden = !field.value;
    // meta.json first: it names the publications, and an index that cannot be read
    // is better reported now than after the reader has typed a query.
    index.meta().then((meta) => {
      for (const name of meta.publications) select.append(new Option(name, name));
      const pub = params.get("pub") || "";
      if (meta.publications.includes(pub)) select.value = pub;
      filter.hidden = meta.publications.length < 2;
      if (field.value.trim()) run();
    }, failed);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
