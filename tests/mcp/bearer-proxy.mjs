// A bearer check in front of an MCP server, as a real deployment has: requests without
// `Authorization: Bearer $EXPECTED_TOKEN` get 401; the others are forwarded to $TARGET (the
// authorization header removed), streaming answers (SSE) included. Listens on 127.0.0.1, a free
// port, and prints `listening PORT` once it does; every request is logged to stderr as
// `METHOD PATH authorized|refused` (never the token).
import http from "node:http";

const target = new URL(process.env.TARGET);
const expected = `Bearer ${process.env.EXPECTED_TOKEN}`;

const server = http.createServer((req, res) => {
  const ok = req.headers.authorization === expected;
  console.error(`${req.method} ${req.url} ${ok ? "authorized" : "refused"}`);
  if (!ok) {
    res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
    res.end(JSON.stringify({ error: "invalid_token", error_description: "missing or wrong bearer token" }));
    return;
  }
  const headers = { ...req.headers, host: target.host };
  delete headers.authorization;
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (e) => {
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`upstream failed: ${e.message}`);
  });
  req.pipe(upstream);
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
