// A plain static file server for timing the search page: node's http module, keep-alive,
// no caching headers. Python's http.server answers a request in milliseconds under load,
// which would be timed instead of the search. Prints the port, serves until killed.
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(process.argv[2] || ".");
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml" };

const server = http.createServer((request, response) => {
  let file = path.join(root, decodeURIComponent(new URL(request.url, "http://x").pathname));
  if (!file.startsWith(root)) {
    response.writeHead(403).end();
    return;
  }
  if (file.endsWith(path.sep)) file = path.join(file, "index.html");
  fs.readFile(file, (err, data) => {
    if (err) {
      response.writeHead(404).end();
      return;
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    response.writeHead(200, { "Content-Type": type, "Content-Length": data.length });
    response.end(data);
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
