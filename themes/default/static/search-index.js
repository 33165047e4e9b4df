// The search page's index files: fetched once each, unpacked, and the stemmers loaded
// when a query first needs them. Part of search.js (see there).
(function (search) {
  "use strict";
  const FORMAT = 3; // the index format this file reads

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

  Object.assign(search, { openIndex });
})((window.DigestSearch = window.DigestSearch || {}));
