// The search page: looks words up in the index the build writes to search/data/.
// Reading the site never needs this file. No dependencies, no build step.
(function () {
  "use strict";

  const PAGE = 20; // results shown at first, and added by each "load more"
  const DEBOUNCE = 150; // ms of quiet typing before a search runs
  const SLOW = 400; // ms before a search still waiting for the network says so
  const KEY = 65536; // a hit's key is chunk * KEY + index in the chunk
  const FORMAT = 3; // the index format this file reads

  const TEXT = window.DigestSearchText; // search-text.js: reads text as the build did
  const K1 = 1.2; // BM25: how soon more occurrences of a word stop adding to a score
  const EXACT = 1, STEMMED = 0.9, PREFIX = 0.5; // how much a term counts for a query word
  const PHRASE_CHECKS = 100; // candidates read to check a phrase, best first
  const READS = 8; // text files at least on the way to check phrases (a browser reads 6 at once)
  const PASSAGE = 28; // words in a result's passage

  // ---- the index files (gzip, unless the server already unpacked them) ----

  async function readJson(response) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      // A Response over the bytes, not a Blob: making a Blob costs the browser a round trip.
      const stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function openIndex(base, stemmerUrls) {
    const files = new Map(); // path -> promise: a file is fetched once, however often asked
    const docs = new Map(); // chunk -> documents, once loaded (sorting reads them synchronously)
    let stemmers = null;

    // `signal`: a passage's text, asked for at low priority (it must not hold up the index
    // files of the next search) and given up when that search starts.
    function load(path, signal) {
      if (!files.has(path)) {
        const options = signal ? { priority: "low", signal } : {};
        const promise = fetch(new URL(path, base), options).then((response) => {
          if (!response.ok) {
            throw new Error(`${response.status} ${response.statusText}: ${response.url}`);
          }
          return path.endsWith(".json") ? response.json() : readJson(response);
        });
        // A failure is not kept: the next search may try again (the network came back).
        promise.catch(() => {
          if (files.get(path) === promise) files.delete(path);
        });
        files.set(path, promise);
      }
      return files.get(path);
    }

    const list = (value) => (Array.isArray(value) ? value.map(String) : []);
    let metaRead = null; // one reading of meta.json, kept unless it failed
    const meta = () => metaRead || (metaRead = load("meta.json").then((meta) => {
      if (!meta || meta.format !== FORMAT) {
        throw new Error(`search index: format ${meta && meta.format}, expected ${FORMAT}`);
      }
      const stopWords = new Set();
      for (const words of Object.values(meta.stop_words || {})) list(words).forEach((w) => stopWords.add(w));
      return {
        chunks: Number(meta.chunks) || 0,
        buckets: Number(meta.buckets) || 64,
        documents: Number(meta.documents) || 0,
        textGroup: Number(meta.text_group) || 16,
        publications: list(meta.publications),
        tags: list(meta.tags),
        languages: list(meta.languages),
        months: list(meta.months),
        stemmers: Object.values(meta.stemmers || {}).map(String),
        stemmerOf: Object.assign(Object.create(null), meta.stemmers || {}),
        stopWords,
        base: new Set(Array.isArray(meta.base) ? meta.base.map(Number) : []),
      };
    }, (err) => {
      metaRead = null;
      throw err;
    }));

    // The Snowball stemmers of the site's languages; none when they cannot be loaded (the
    // search still finds words as written and by their start).
    function loadStemmers(names) {
      if (!stemmers) {
        stemmers = (async () => {
          if (!names.length || !stemmerUrls.module || typeof WebAssembly !== "object") return new Map();
          const snowball = await import(stemmerUrls.module);
          await snowball.default({ module_or_path: stemmerUrls.wasm });
          const made = new Map();
          for (const name of new Set(names)) {
            const key = name.charAt(0).toUpperCase() + name.slice(1);
            if (key in snowball.Languages) {
              const stemmer = new snowball.Stemmer(snowball.Languages[key]);
              made.set(name, (word) => stemmer.stem(word));
            }
          }
          return made;
        })().catch((err) => {
          if (window.console) console.warn("search: no stemming:", err);
          return new Map();
        });
      }
      return stemmers;
    }

    // The base's file of a bucket, cut into one {t, s} per chunk it holds (and still
    // answers for: an edited chunk has left it).
    const based = new Map(); // bucket -> promise of Map chunk -> {t, s}
    function baseBucket(bucket, holds) {
      if (!based.has(bucket)) {
        const promise = load(`base/${bucket}.gz`).then((file) => {
          // Every chunk gets the stems: a stem's terms may be in another bucket.
          const stems = (file && file.s) || {};
          const perChunk = new Map(Array.from(holds, (k) => [k, { t: Object.create(null), s: stems }]));
          for (const [term, list] of Object.entries((file && file.t) || {})) {
            if (!Array.isArray(list)) continue;
            for (let j = 0; j + 1 < list.length; j += 2) {
              const view = perChunk.get(Number(list[j]));
              if (view) view.t[term] = list[j + 1];
            }
          }
          return perChunk;
        });
        promise.catch(() => based.delete(bucket));
        based.set(bucket, promise);
      }
      return based.get(bucket);
    }

    return {
      meta,
      loadStemmers,
      bucket: (chunk, bucket) => load(`${chunk}/${bucket}.gz`),
      baseBucket,
      // A chunk's documents: from the base's file when the base holds the chunk.
      loadDocs: (chunk) => meta().then(({ base }) => {
        if (!base.has(chunk)) {
          return load(`${chunk}/docs.gz`).then((rows) => {
            docs.set(chunk, Array.isArray(rows) ? rows : []);
          });
        }
        return load("base/docs.gz").then((list) => {
          if (docs.has(chunk)) return;
          for (let j = 0; Array.isArray(list) && j + 1 < list.length; j += 2) {
            const number = Number(list[j]);
            if (base.has(number) && Array.isArray(list[j + 1])) docs.set(number, list[j + 1]);
          }
        });
      }),
      text: (chunk, group, signal) => load(`${chunk}/t${group}.gz`, signal),
      // The document of a hit: strings only, whatever the file holds.
      doc(hit) {
        const row = (docs.get(hit.chunk) || [])[hit.index];
        const field = (n) => (Array.isArray(row) && row[n] != null ? String(row[n]) : "");
        return {
          url: field(0), title: field(1), publication: field(2), date: field(3), lang: field(4),
          tags: Array.isArray(row) && Array.isArray(row[5]) ? row[5].map(String) : [],
        };
      },
      dateOf(hit) {
        const row = (docs.get(hit.chunk) || [])[hit.index];
        return Array.isArray(row) && row[3] != null ? String(row[3]) : "";
      },
    };
  }

  // ---- the query ----

  // Quoted parts are phrases; the rest are words. A CJK word of three characters or more is
  // a phrase too: its bigrams must follow each other.
  function parseQuery(query, meta, stemmers) {
    const phrases = [];
    const loose = query.replace(/["“”„«»]([^"“”„«»]*)(["“”„«»]|$)/g, (_, inner) => {
      if (TEXT.termsOf(inner).length) phrases.push(inner);
      return " ";
    });
    const units = new Map(); // term -> { term, stems, prefix, required }
    const add = (word, inPhrase) => {
      const { terms, stems } = TEXT.queryWord(word, stemmers);
      const cjk = terms.length > 1 && terms.every(TEXT.isCjk);
      if (cjk && !inPhrase) phrases.push(word);
      for (const term of terms) {
        const single = terms.length === 1;
        const unit = units.get(term) || {
          term, stems: single ? stems : [], required: false, stop: !inPhrase && meta.stopWords.has(term),
          prefix: single && Array.from(term).length >= 2 && !TEXT.isCjk(term) || (single && TEXT.isCjk(term)),
        };
        if (inPhrase) unit.stop = false;
        units.set(term, unit);
      }
    };
    for (const word of loose.match(TEXT.WORD) || []) add(word, false);
    for (const phrase of phrases) for (const word of phrase.match(TEXT.WORD) || []) add(word, true);
    const all = Array.from(units.values());
    const needed = all.some((unit) => !unit.stop);
    for (const unit of all) unit.required = !needed || !unit.stop;
    return { units: all, phrases: phrases.map((p) => TEXT.termsOf(p)).filter((t) => t.length > 1) };
  }

  // ---- matching and scoring (BM25F: the build weighed the fields, this saturates) ----

  async function find(index, meta, parsed) {
    const chunks = Array.from({ length: meta.chunks }, (_, k) => k);
    const wanted = new Set();
    for (const unit of parsed.units) {
      wanted.add(TEXT.bucketOf(unit.term, meta.buckets));
      for (const stem of unit.stems) wanted.add(TEXT.bucketOf(stem, meta.buckets));
    }
    const files = new Map(); // "chunk/bucket" -> file
    const own = chunks.filter((k) => !meta.base.has(k)); // the others are in the base's files
    const fetchAll = (buckets) => Promise.all(Array.from(buckets, async (bucket) => {
      const parts = [];
      if (meta.base.size) {
        parts.push(index.baseBucket(bucket, meta.base).then((perChunk) => {
          for (const [chunk, file] of perChunk) files.set(`${chunk}/${bucket}`, file);
        }));
      }
      for (const chunk of own) {
        parts.push(index.bucket(chunk, bucket).then((file) => files.set(`${chunk}/${bucket}`, file || {})));
      }
      await Promise.all(parts);
    }));
    await fetchAll(wanted);
    // A stem names the terms that have it; one of them may live in another bucket.
    const more = new Set();
    for (const unit of parsed.units) {
      for (const stem of [unit.term, ...unit.stems]) {
        for (const chunk of chunks) {
          const file = files.get(`${chunk}/${TEXT.bucketOf(stem, meta.buckets)}`);
          for (const term of (file && file.s && file.s[stem]) || []) {
            const bucket = TEXT.bucketOf(term, meta.buckets);
            if (!wanted.has(bucket)) more.add(bucket);
          }
        }
      }
    }
    await fetchAll(more);
    const postings = (chunk, term) => {
      const file = files.get(`${chunk}/${TEXT.bucketOf(term, meta.buckets)}`);
      const list = file && file.t && file.t[term];
      return Array.isArray(list) ? list : null;
    };

    const perUnit = parsed.units.map((unit) => {
      const tf = new Map(); // doc key -> weighted term frequency
      for (const chunk of chunks) {
        const factors = new Map(); // term -> factor
        const note = (term, factor) => {
          if ((factors.get(term) || 0) < factor) factors.set(term, factor);
        };
        note(unit.term, EXACT);
        for (const stem of [unit.term, ...unit.stems]) {
          if (stem !== unit.term) note(stem, STEMMED);
          const file = files.get(`${chunk}/${TEXT.bucketOf(stem, meta.buckets)}`);
          for (const term of (file && file.s && file.s[stem]) || []) note(String(term), STEMMED);
        }
        if (unit.prefix) {
          const file = files.get(`${chunk}/${TEXT.bucketOf(unit.term, meta.buckets)}`);
          for (const term of Object.keys((file && file.t) || {})) {
            if (term.startsWith(unit.term)) note(term, PREFIX);
          }
        }
        for (const [term, factor] of factors) {
          const list = postings(chunk, term);
          if (!list) continue;
          for (let j = 0; j + 1 < list.length; j += 2) {
            const key = chunk * KEY + list[j];
            tf.set(key, (tf.get(key) || 0) + factor * list[j + 1] / 10);
          }
        }
      }
      const df = tf.size;
      const idf = Math.log(1 + (meta.documents - df + 0.5) / (df + 0.5));
      const scores = new Map();
      for (const [key, f] of tf) scores.set(key, idf * (f * (K1 + 1)) / (f + K1));
      return { unit, scores };
    });
    const required = perUnit.filter((u) => u.unit.required).sort((a, b) => a.scores.size - b.scores.size);
    const optional = perUnit.filter((u) => !u.unit.required);
    if (!required.length) return [];
    const [first, ...rest] = required;
    const hits = [];
    for (const [key, score] of first.scores) {
      if (!rest.every((other) => other.scores.has(key))) continue; // every word must match
      let total = score;
      for (const other of [...rest, ...optional]) total += other.scores.get(key) || 0;
      hits.push({ chunk: Math.floor(key / KEY), index: key % KEY, score: total });
    }
    return hits.sort((a, b) => b.score - a.score || b.chunk - a.chunk || b.index - a.index);
  }

  // The stored text of a hit: [lead, note, body], as the article may show it.
  async function textOf(index, meta, hit, signal) {
    const group = await index.text(hit.chunk, Math.floor(hit.index / meta.textGroup), signal);
    const row = Array.isArray(group) ? group[hit.index % meta.textGroup] : null;
    return Array.isArray(row) ? row.map((part) => (part == null ? "" : String(part))) : [];
  }

  const contains = (terms, phrase) => {
    for (let at = 0; at + phrase.length <= terms.length; at += 1) {
      if (phrase.every((term, k) => terms[at + k] === term)) return true;
    }
    return false;
  };

  // The hits that pass the filters, in order, and a checker of the phrases (null without).
  async function narrow(index, meta, search, hits) {
    const { filters, parsed } = search;
    const active = filters.pub || filters.tag || filters.lang || filters.from || filters.to;
    if (!active && !parsed.phrases.length) return { hits, check: null };
    await Promise.all(Array.from(new Set(hits.map((h) => h.chunk)), (c) => index.loadDocs(c)));
    const kept = hits.filter((hit) => {
      const doc = index.doc(hit);
      const date = doc.date;
      return (!filters.pub || doc.publication === filters.pub)
        && (!filters.tag || doc.tags.includes(filters.tag))
        && (!filters.lang || doc.lang === filters.lang)
        && (!filters.from || (date && date.slice(0, filters.from.length) >= filters.from))
        && (!filters.to || (date && date.slice(0, filters.to.length) <= filters.to));
    });
    if (!parsed.phrases.length) return { hits: kept, check: null };
    const check = phraseCheck(index, meta, parsed.phrases, kept.slice(0, PHRASE_CHECKS));
    return { hits: check.passed, check };
  }

  // Checks the best candidates for the phrases in rank order, reading their stored text a
  // few files at a time, and only as far as asked: the results shown first need their own
  // candidates checked and no more; the count and the next results read on. `passed` grows
  // in place, in rank order: the hits.
  function phraseCheck(index, meta, phrases, candidates) {
    const passed = [];
    const known = []; // whether each candidate holds the phrases, once its text is read
    let checked = 0; // candidates[0..checked) are known
    let asked = 0; // candidates[0..asked) are known or being read
    let reading = new Map(); // text file -> its candidates being read
    let round = 0; // the answers of an older round (reads given up) are dropped
    let failure = null;
    let waiting = []; // those to wake when a read ends

    const fileOf = (hit) => `${hit.chunk}/${Math.floor(hit.index / meta.textGroup)}`;
    // Reading every candidate's text into terms was a fifth of a rare phrase's time (50 ms
    // of 100 texts): a quick test first, and only the texts that pass are read into terms.
    const quick = phrases.map(TEXT.phrasePattern);
    const holds = async (hit, signal) => {
      const doc = index.doc(hit);
      const parts = [doc.title, doc.publication, ...(await textOf(index, meta, hit, signal))];
      const folded = parts.map(TEXT.foldText);
      if (!quick.every((test) => test === null || folded.some((text) => test.test(text)))) {
        return false;
      }
      const terms = parts.map((part) => TEXT.termsOf(part));
      return phrases.every((phrase) => terms.some((t) => contains(t, phrase)));
    };
    function ask(k, signal) {
      const file = fileOf(candidates[k]);
      const mine = round;
      reading.set(file, (reading.get(file) || 0) + 1);
      holds(candidates[k], signal).then((held) => {
        if (mine !== round) return;
        known[k] = held;
        for (; checked < asked && known[checked] !== undefined; checked += 1) {
          if (known[checked]) passed.push(candidates[checked]);
        }
      }, (err) => {
        if (mine === round && !failure) failure = err;
      }).finally(() => {
        if (mine === round) {
          const left = reading.get(file) - 1;
          if (left) reading.set(file, left);
          else reading.delete(file);
        }
        const woken = waiting;
        waiting = [];
        woken.forEach((wake) => wake());
      });
    }
    // Reads, keeping `files()` text files on the way (a candidate whose file is already on
    // the way costs nothing), until `enough()` or every candidate is known.
    async function until(enough, files, signal) {
      while (checked < candidates.length && !enough()) {
        if (signal && signal.aborted) throw new DOMException("given up", "AbortError");
        if (failure) {
          const err = failure;
          failure = null;
          round += 1;
          asked = checked;
          known.length = checked;
          reading = new Map();
          // A read for the count, given up for a newer search: asked for again.
          if (err.name !== "AbortError" || (signal && signal.aborted)) throw err;
          continue;
        }
        while (asked < candidates.length
          && (reading.size < files() || reading.has(fileOf(candidates[asked])))) {
          ask(asked, signal);
          asked += 1;
        }
        await new Promise((wake) => waiting.push(wake));
      }
    }
    // Whether the first `count` hits are known: every candidate that could come before or
    // tie with the last of them is checked (ties are ordered by date).
    const settled = (count) => checked >= candidates.length
      || (passed.length >= count && candidates[checked].score < passed[count - 1].score);

    return {
      passed,
      get done() {
        return checked >= candidates.length;
      },
      // Reads enough to fill `count` results at the rate candidates have passed so far: a
      // phrase most of them hold reads about `count` files, a rare one all of them at once
      // (`stale`: whether the search is no longer wanted).
      fill: (count, stale) => until(() => settled(count) || stale(), () => {
        const rate = (passed.length + 1) / (checked + 1);
        return Math.max(READS, Math.ceil(Math.max(count - passed.length, 0) / rate));
      }),
      // Reads the rest, a few files at a time (`signal`: at low priority, given up with it).
      finish: (signal) => until(() => false, () => READS, signal),
    };
  }

  // The hits in the order they are shown, with everything up to `count` ready to show.
  // Only the chunks that can be shown are loaded: those of the first `count` hits and
  // of every hit tied with the last of them (dates order ties).
  async function arrange(index, search, count) {
    const { hits } = search;
    let needed = hits;
    if (hits.length > count) {
      const last = hits[count - 1].score;
      let end = count;
      while (end < hits.length && hits[end].score === last) end += 1;
      needed = hits.slice(0, end);
    }
    const chunks = new Set(needed.map((hit) => hit.chunk));
    await Promise.all(Array.from(chunks, (chunk) => index.loadDocs(chunk)));
    // The hits come by score: only those up to the last tie shown are sorted again with
    // their dates (a longer list is arranged again when asked for).
    const dates = new Map(needed.map((hit) => [hit, index.dateOf(hit)]));
    // ISO partial dates sort as text: "2025-10-06" > "2025-10" > "2025" > "".
    const newer = (a, b) => {
      const [x, y] = [dates.get(a), dates.get(b)];
      return x < y ? 1 : x > y ? -1 : 0;
    };
    const top = needed.slice().sort((a, b) => b.score - a.score || newer(a, b)
      || b.chunk - a.chunk || b.index - a.index);
    return top.concat(hits.slice(top.length));
  }

  // Whether a word of a result matches the query (for <mark>): as written, by its start, by
  // its stem in the story's language, or as a part of a compound.
  function matcherOf(units, stem) {
    const stems = new Set();
    for (const unit of units) for (const s of [unit.term, ...unit.stems]) stems.add(s);
    const known = new Map(); // word -> whether it matches: a text repeats its words
    return (word) => {
      let found = known.get(word);
      if (found === undefined) {
        found = TEXT.analyseWord(word, stem).some(([term, stemmed]) => units.some((unit) => (
          term === unit.term || (unit.prefix && term.startsWith(unit.term))
          || (stemmed && stems.has(stemmed)) || stems.has(term)
          || (Array.from(unit.term).length >= 4 && !TEXT.isCjk(unit.term) && term.includes(unit.term))
          || (TEXT.isCjk(unit.term) && term.includes(unit.term)))));
        known.set(word, found);
      }
      return found;
    };
  }

  // The stretch of the stored text with the most query words, as [text, cut before, after].
  function passageOf(parts, matches) {
    let best = null;
    for (const part of parts) {
      const words = Array.from(part.matchAll(TEXT.WORD));
      if (!words.length) continue;
      const hit = words.map((w) => (matches(w[0]) ? 1 : 0));
      let sum = 0;
      for (let k = 0; k < Math.min(PASSAGE, hit.length); k += 1) sum += hit[k];
      let top = { sum, start: 0 };
      for (let k = PASSAGE; k < hit.length; k += 1) {
        sum += hit[k] - hit[k - PASSAGE];
        if (sum > top.sum) {
          // The window ending at this match, moved on so its first match has a few words
          // before it (the last stays in).
          const first = hit.indexOf(1, k - PASSAGE + 1);
          top = { sum, start: Math.max(k - PASSAGE + 1, first - 4) };
        }
      }
      if (!best || top.sum > best.sum) best = { ...top, part, words };
    }
    if (!best) return null;
    const { part, words, start } = best;
    const end = Math.min(words.length, start + PASSAGE) - 1;
    const from = start === 0 ? 0 : words[start].index;
    const stop = end === words.length - 1 ? part.length : words[end].index + words[end][0].length;
    return [part.slice(from, stop).trim(), from > 0, stop < part.length];
  }

  // ---- text in the page: always text nodes, never markup ----

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  // Appends `text`, wrapping in <mark> every word the query matches.
  function appendMarked(parent, text, matches) {
    let at = 0;
    for (const found of text.matchAll(TEXT.WORD)) {
      if (!matches(found[0])) continue;
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
  const FORMATS = {};

  // "2025-10-06", "2025-10" or "2025" in the page's language; "" for anything else.
  function formatDate(iso) {
    const parts = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
    if (!parts) return "";
    const [year, month, day] = parts.slice(1).map((p) => (p ? Number(p) : 1));
    const date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year); // Date.UTC reads years below 100 as 19xx
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return ""; // 2025-13-40
    const style = parts[3] ? "day" : parts[2] ? "month" : "year";
    if (!FORMATS[style]) FORMATS[style] = new Intl.DateTimeFormat(LOCALE, STYLES[style]);
    return FORMATS[style].format(date); // a formatter is slow to make: one per style
  }

  // ---- the page ----

  const FILTERS = ["pub", "tag", "lang", "from", "to"]; // their names in the address too

  function start() {
    const box = document.getElementById("search");
    if (!box || !TEXT) return;
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
      const matches = search.matcherOf(doc.lang);
      const li = el("li", "search__result");
      const heading = el("h2", "search__title");
      const link = el("a");
      const href = linkTo(doc.url);
      if (href) link.href = href;
      appendMarked(link, doc.title || doc.url, matches);
      heading.append(link);
      li.append(heading);
      const meta = el("p", "meta");
      if (doc.publication) {
        const pub = el("span", "meta__pub");
        appendMarked(pub, doc.publication, matches);
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
        const found = passageOf(parts, matches);
        if (!found || !found[0]) return;
        const excerpt = el("p", "search__excerpt");
        if (found[1]) excerpt.append("… ");
        appendMarked(excerpt, found[0], matches);
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
        if (search.check && !search.check.done) completeCount(search);
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
    // when a newer search starts (it aborts search.later).
    function completeCount(search) {
      if (search.counting) return; // "more" shows results again meanwhile
      search.counting = true;
      const { signal } = search.later;
      search.check.finish(signal).then(() => {
        if (search === shown && search.id === latest) tell(search);
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
        const matchers = new Map(); // language -> matcher, for the titles and passages
        const matcherFor = (lang) => {
          if (!matchers.has(lang)) matchers.set(lang, matcherOf(parsed.units, byLang(lang)));
          return matchers.get(lang);
        };
        const search = {
          id, query, filters, parsed, meta, hits: [], check: null, shown: 0,
          matcherOf: matcherFor,
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
