/** Served at `/` when the web UI was not built (web/dist missing): says how to build it. */
export const missingWebUiPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lore</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
  code { background: #8882; padding: .1em .3em; border-radius: .2em; }
</style>
</head>
<body>
<h1>Lore is running</h1>
<p>The web interface has not been built in this installation (<code>web/dist</code> is missing).</p>
<p>Build it with <code>npm ci</code> (or <code>npm run build</code>) in the Lore folder and restart <code>lore serve</code>.
The API works meanwhile: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>, and the CLI (<code>lore ask</code>, <code>lore ingest</code>).</p>
</body>
</html>`;
