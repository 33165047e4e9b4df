// The search page: looks words up in the index the build writes to search/data/.
// Reading the site never needs this file. No dependencies, no build step.
// search-index.js reads the index files, search-rank.js finds and ranks, search-show.js
// writes what a result shows; this file is the page: the form, the filters, the list.
(function () {
  "use strict";

  const PAGE = 20; // results shown at first, and added by each "load more"
  const DEBOUNCE = 150; // ms of quiet typing before a search runs
  const SLOW = 400; // ms before a search still waiting for the network says so
  const TEXT = window.DigestSearchText; // search-text.js: reads text as the build did
  const {
    openIndex, parseQuery, find, textOf, narrow, arrange,
    markerOf, passageOf, el, appendMarked, formatDate, LOCALE,
  } = window.DigestSearch || {};

  // ---- the page ----

  const FILTERS = ["pub", "tag", "lang", "from", "to"]; // their names in the address too

  function start() {
    const box = document.getElementById("search");
    if (!box || !TEXT || !openIndex || !markerOf) return; // a script did not load
    const text = box.dataset;
    // url() writes folders as ".../index.html": their folder is what the files hang off.
    const folder = (link) => new URL("./", new URL(link, window.location.href));
    const absolute = (link) => (link ? new URL(link, window.location.href).href : "");
    const index = openIndex(folder(text.index || "data/"),
      { module: absolute(text.stemmer), wasm: absolute(text.stemmerWasm) });
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
    const row = el("div", "search__field");
    row.append(fieldLabel, field, clear);
    form.append(row);

    // One <select> per filter, shown once meta.json gives it something to choose from.
    const selects = {};
    const labels = {
      pub: [text.publication, text.allPublications], tag: [text.tag, text.allTags],
      lang: [text.language, text.allLanguages], from: [text.from, text.anyDate],
      to: [text.to, text.anyDate],
    };
    for (const name of FILTERS) {
      const wrap = el("div", "search__filter");
      wrap.hidden = true;
      const select = el("select", `search__${name}`);
      select.id = `search-${name === "pub" ? "publication" : name}`;
      select.append(new Option(labels[name][1] || "", ""));
      const label = el("label", "visually-hidden");
      label.htmlFor = select.id;
      label.textContent = labels[name][0] || "";
      wrap.append(label, select);
      form.append(wrap);
      selects[name] = select;
    }

    const status = el("p", "search__status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    const results = el("ol", "search__results");
    results.setAttribute("aria-busy", "false");
    const more = el("button", "search__more");
    more.type = "button";
    more.textContent = text.loadMore || "";
    more.hidden = true;
    box.append(form, status, results, more);

    let latest = 0; // the newest search; answers to older ones are dropped
    let shown = null; // the search whose results are on the page
    let timer = 0;

    // For screen readers and tests: whether the results are being worked on, and how it went
    // ("done" and "empty": the results shown are final).
    function state(value) {
      results.setAttribute("aria-busy", value === "loading" ? "true" : "false");
      if (value) results.dataset.state = value;
      else delete results.dataset.state;
      if (value !== "done") counted(value === "empty" ? "exact" : null);
    }

    // Whether the count said is final ("exact"), or still being completed ("partial": a
    // phrase's first results are shown before every candidate is checked). The status is
    // busy meanwhile, so a screen reader says the count once it is known.
    function counted(value) {
      status.setAttribute("aria-busy", value === "partial" ? "true" : "false");
      if (value) results.dataset.count = value;
      else delete results.dataset.count;
    }

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

    // `atLeast`: "20+ results", while the rest are still being checked.
    function countText(count, atLeast) {
      let plural = "other";
      try {
        if (!atLeast) plural = new Intl.PluralRules(LOCALE).select(count);
      } catch (err) { /* no plural rules: "other" */ }
      const message = (plural === "one" && text.resultsOne) || text.resultsOther || "[COUNT]";
      const number = new Intl.NumberFormat(LOCALE).format(count) + (atLeast ? "+" : "");
      return message.split("[COUNT]").join(number);
    }

    function failed(err) {
      // Browsers refuse fetch() on pages opened from disk: say so, not just "failed".
      const fromDisk = window.location.protocol === "file:";
      say((fromDisk && text.needsServer) || text.failed || String(err));
      status.classList.add("search__status--error");
      results.replaceChildren();
      more.hidden = true;
      shown = null;
      state("error");
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
      const marker = search.markerOf(doc.lang);
      const li = el("li", "search__result");
      const heading = el("h2", "search__title");
      const link = el("a");
      const href = linkTo(doc.url);
      if (href) link.href = href;
      appendMarked(link, doc.title || doc.url, marker);
      heading.append(link);
      li.append(heading);
      const meta = el("p", "meta");
      if (doc.publication) {
        const pub = el("span", "meta__pub");
        appendMarked(pub, doc.publication, marker);
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
      // The passage follows when its text has come: the titles do not wait for it.
      const passage = () => textOf(index, search.meta, hit, search.later.signal).then((parts) => {
        if (search.id !== latest) return; // its results are about to go
        const found = passageOf(parts, marker);
        if (!found || !found[0]) return;
        const excerpt = el("p", "search__excerpt");
        if (found[1]) excerpt.append("… ");
        appendMarked(excerpt, found[0], marker);
        if (found[2]) excerpt.append(" …");
        li.append(excerpt);
      }, (err) => {
        if (window.console && err.name !== "AbortError") console.warn("search: no passage:", err);
      });
      return [li, passage];
    }

    // Shows the arranged hits up to `count` (after those already shown).
    async function show(search, list, count) {
      const end = Math.min(count, list.length);
      const made = list.slice(search.shown, end).map((hit) => item(hit, search));
      const items = made.map(([li]) => li);
      if (search.id !== latest) return []; // a newer search started meanwhile
      // The old results stay until the new ones are in.
      if (search.shown === 0) results.replaceChildren(...items);
      else results.append(...items);
      shown = search;
      search.shown = end;
      state(list.length ? "done" : "empty");
      tell(search);
      // The passages' text is asked for once the titles are painted (twenty requests take
      // the browser a few milliseconds to start), unless a newer search has begun; so are
      // the phrase's other candidates, for the count.
      requestAnimationFrame(() => setTimeout(() => {
        if (search.id !== latest) return;
        for (const [, passage] of made) passage();
        if (search.check) completeCount(search);
      }, 0));
      return items;
    }

    // The count and the "more" button of the results shown.
    function tell(search) {
      const exact = !search.check || search.check.done;
      const total = search.hits.length;
      more.hidden = exact && search.shown >= total;
      if (!exact) say(countText(search.shown, true));
      else if (total) say(countText(total));
      else say(text.zeroResults || "", search.query);
      if (total) counted(exact ? "exact" : "partial");
    }

    // Checks the rest of a phrase's candidates for the count, at low priority, giving up
    // when a newer search starts (it aborts search.later). The reads the results shown
    // started may have ended the check since the count was said partial: that count is
    // said again, though nothing is left to read.
    function completeCount(search) {
      if (search.counting) return; // "more" shows results again meanwhile
      search.counting = true;
      const { signal } = search.later;
      search.check.finish(signal).then(() => {
        const told = results.dataset.count === "exact";
        if (search === shown && search.id === latest && !told) tell(search);
      }, (err) => {
        if (err.name === "AbortError") return;
        search.counting = false; // the next "more" tries again
        if (window.console) console.warn("search: no count:", err);
        if (search === shown && search.id === latest) counted("unknown");
      });
    }

    function chosen() {
      const filters = {};
      for (const name of FILTERS) filters[name] = selects[name].value;
      return filters;
    }

    // Searches can be linked to: /search/?q=words&pub=Name&tag=...&lang=..&from=..&to=...
    function remember(query, filters) {
      const params = new URLSearchParams(window.location.search);
      for (const [name, value] of [["q", query], ...FILTERS.map((n) => [n, filters[n]])]) {
        if (value) params.set(name, value);
        else params.delete(name);
      }
      const search = params.toString();
      const url = window.location.pathname + (search ? `?${search}` : "") + window.location.hash;
      try {
        window.history.replaceState(window.history.state, "", url);
      } catch (err) { /* some file:// pages refuse; the search still runs */ }
    }

    async function run() {
      clearTimeout(timer);
      const id = ++latest;
      if (shown) shown.later.abort(); // what was read for results that are about to go
      const query = field.value.trim();
      const filters = chosen();
      remember(query, filters);
      clear.hidden = !field.value;
      if (!query) {
        results.replaceChildren();
        more.hidden = true;
        shown = null;
        say("");
        state(null);
        return;
      }
      state("loading");
      const slow = setTimeout(() => {
        if (id === latest && text.loading) say(text.loading);
      }, SLOW);
      try {
        const meta = await index.meta();
        const stemmers = await index.loadStemmers(meta.stemmers);
        const byLang = (lang) => {
          const code = String(lang || "").toLowerCase().split("-")[0];
          const name = meta.stemmerOf[code];
          return (name && stemmers.get(name)) || null;
        };
        const parsed = parseQuery(query, meta, Array.from(stemmers.values()));
        const markers = new Map(); // language -> marker, for the titles and passages
        const markerFor = (lang) => {
          if (!markers.has(lang)) markers.set(lang, markerOf(parsed, byLang(lang)));
          return markers.get(lang);
        };
        const search = {
          id, query, filters, parsed, meta, hits: [], check: null, shown: 0,
          markerOf: markerFor,
          later: new AbortController(), // what is read once shown: passages, the count
        };
        const found = parsed.units.length ? await find(index, meta, parsed) : [];
        if (id !== latest) return;
        Object.assign(search, await narrow(index, meta, search, found));
        if (search.check) await search.check.fill(PAGE, () => id !== latest);
        if (id !== latest) return;
        const list = await arrange(index, search, PAGE);
        if (id !== latest) return;
        await show(search, list, PAGE);
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
        if (search.check) await search.check.fill(search.shown + PAGE, () => search !== shown);
        if (search !== shown) return;
        const list = await arrange(index, search, search.shown + PAGE);
        if (search !== shown) return;
        const items = await show(search, list, search.shown + PAGE);
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

    // A word's bucket is known from its first two letters: fetched while the rest is typed.
    const asked = new Set();
    function prefetch(value) {
      index.meta().then((meta) => {
        for (const word of value.match(TEXT.WORD) || []) {
          for (const [term] of TEXT.analyseWord(word, null)) {
            if (Array.from(term).length < 2 && !TEXT.isCjk(term)) continue;
            const bucket = TEXT.bucketOf(term, meta.buckets);
            if (asked.has(bucket)) continue;
            asked.add(bucket);
            const forget = () => asked.delete(bucket);
            if (meta.base.size) index.baseBucket(bucket, meta.base).catch(forget);
            for (let chunk = 0; chunk < meta.chunks; chunk += 1) {
              if (!meta.base.has(chunk)) index.bucket(chunk, bucket).catch(forget);
            }
          }
        }
      }, () => {});
    }

    field.addEventListener("input", () => {
      clear.hidden = !field.value;
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE);
      prefetch(field.value);
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
    for (const name of FILTERS) selects[name].addEventListener("change", run);
    more.addEventListener("click", loadMore);

    const params = new URLSearchParams(window.location.search);
    field.value = params.get("q") || "";
    clear.hidden = !field.value;
    // meta.json first: it names what the filters offer, and an index that cannot be read
    // is better reported now than after the reader has typed a query.
    index.meta().then((meta) => {
      index.loadStemmers(meta.stemmers); // compiled while the reader types
      // Every result shows its document: the base's are read before the first search.
      if (meta.base.size) index.loadDocs(meta.base.values().next().value).catch(() => {});
      const languageName = (code) => {
        try {
          return new Intl.DisplayNames([LOCALE || "en"], { type: "language" }).of(code) || code;
        } catch (err) {
          return code;
        }
      };
      const years = Array.from(new Set(meta.months.map((m) => m.slice(0, 4))));
      const dates = [];
      for (const year of years) {
        dates.push([year, year]);
        for (const month of meta.months.filter((m) => m.startsWith(year))) {
          dates.push([month, formatDate(month) || month]);
        }
      }
      const options = {
        pub: meta.publications.map((name) => [name, name]),
        tag: meta.tags.map((name) => [name, name]),
        lang: meta.languages.map((code) => [code, languageName(code)]),
        from: dates, to: dates,
      };
      const least = { pub: 2, tag: 1, lang: 2, from: 2, to: 2 };
      for (const name of FILTERS) {
        const select = selects[name];
        for (const [value, label] of options[name]) select.append(new Option(label, value));
        const wanted = params.get(name) || "";
        if (options[name].some(([value]) => value === wanted)) select.value = wanted;
        const count = name === "from" || name === "to" ? meta.months.length : options[name].length;
        select.parentNode.hidden = count < least[name];
      }
      if (field.value.trim()) run();
    }, failed);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
