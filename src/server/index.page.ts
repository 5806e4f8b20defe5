/** The minimal search/ask page served at `/` until the web UI lands. */
export const indexPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lore</title>
<style>
  :root { color-scheme: light dark; --accent: #4f46e5; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
  form { display: flex; gap: .5rem; align-items: center; margin: .5rem 0; }
  #upload input { flex: 0 1 auto; }
  #upload label { font-weight: 600; }
  input { flex: 1; padding: .6rem; font-size: 1rem; }
  button { padding: .6rem 1rem; font-size: 1rem; background: var(--accent); color: white; border: 0; border-radius: .3rem; cursor: pointer; }
  button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  #answer { white-space: pre-wrap; min-height: 3rem; padding: 1rem; border-radius: .3rem; background: color-mix(in srgb, var(--accent) 8%, transparent); }
  .label { font-size: .85rem; opacity: .75; }
  .source { border-left: 3px solid var(--accent); padding: .3rem .8rem; margin: .6rem 0; }
  .source button { background: none; color: var(--accent); padding: 0; text-decoration: underline; }
  mark { background: #fde68a; color: black; }
  #viewer { white-space: pre-wrap; max-height: 24rem; overflow: auto; border: 1px solid #8884; padding: .8rem; }
</style>
</head>
<body>
<h1>Lore</h1>
<p class="label">Ask a question about your documents. Add some here or with <code>lore ingest PATH</code>.</p>
<form id="upload"><label for="files">Add documents</label>
<input id="files" name="files" type="file" multiple>
<button>Upload</button></form>
<ul id="uploads" aria-live="polite"></ul>
<form id="ask"><label for="q" class="label" hidden>Question</label>
<input id="q" name="q" placeholder="Ask a question…" autocomplete="off" required>
<button>Ask</button></form>
<p id="mode" class="label" aria-live="polite"></p>
<div id="answer" aria-live="polite"></div>
<h2>Sources</h2><div id="sources"></div>
<h2>Passage</h2><div id="viewer" tabindex="0">Click a citation to see the cited characters highlighted.</div>
<script>
const form = document.getElementById('ask'), answer = document.getElementById('answer');
const sources = document.getElementById('sources'), viewer = document.getElementById('viewer'), mode = document.getElementById('mode');
let es;
const uploads = document.getElementById('uploads');
document.getElementById('upload').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = new FormData(e.target);
  const r = await fetch('/api/v1/documents', { method: 'POST', body });
  const data = await r.json();
  if (!r.ok) { uploads.append(item('Upload refused: ' + data.error.message)); return; }
  for (const f of data.files) {
    const li = item(f.fileName + ': ' + (f.error ? f.error.message : 'queued'));
    uploads.append(li);
    if (f.jobId) track(f.jobId, li);
  }
});
function item(text) { const li = document.createElement('li'); li.textContent = text; return li; }
async function track(id, li) {
  for (;;) {
    const job = await (await fetch('/api/v1/jobs/' + id)).json();
    if (job.state === 'done') { li.textContent = job.fileName + ': ready (' + (job.progress.chunks ?? 0) + ' chunks)'; return; }
    if (job.state === 'failed' || job.state === 'cancelled') { li.textContent = job.error || (job.fileName + ': ' + job.state); return; }
    li.textContent = job.fileName + ': ' + job.state + '…';
    await new Promise((r) => setTimeout(r, 700));
  }
}
form.addEventListener('submit', (e) => {
  e.preventDefault(); if (es) es.close();
  answer.textContent = ''; sources.textContent = ''; mode.textContent = 'Searching…';
  es = new EventSource('/api/v1/ask?q=' + encodeURIComponent(document.getElementById('q').value));
  es.addEventListener('answer-delta', (m) => { answer.textContent += JSON.parse(m.data).text; });
  es.addEventListener('citation-added', (m) => addCitation(JSON.parse(m.data).citation));
  es.addEventListener('answer-end', (m) => { const d = JSON.parse(m.data); mode.textContent = ({generated: 'Answer from ' + d.model, extractive: 'Extractive answer (no language model configured)', abstained: 'No answer: the documents do not say'})[d.mode]; es.close(); });
  es.addEventListener('answer-error', (m) => { mode.textContent = 'Error: ' + JSON.parse(m.data).message; es.close(); });
  es.onerror = () => { if (es.readyState !== 2) { mode.textContent = 'Connection lost.'; es.close(); } };
});
function addCitation(c) {
  const div = document.createElement('div'); div.className = 'source';
  const where = c.page ? 'page ' + c.page : c.slide ? 'slide ' + c.slide : c.sheet ? 'sheet ' + c.sheet : '';
  const button = document.createElement('button'); button.textContent = '[' + c.n + '] ' + c.title;
  button.addEventListener('click', () => show(c));
  div.append(button, document.createTextNode(' — ' + c.fileName + (where ? ', ' + where : '') + ', characters ' + c.start + '–' + c.end));
  sources.append(div);
}
async function show(c) {
  const r = await fetch('/api/v1/documents/' + encodeURIComponent(c.documentId) + '/text');
  if (!r.ok) { viewer.textContent = 'Could not load the document.'; return; }
  const { text } = await r.json();
  const from = Math.max(0, c.start - 600), to = Math.min(text.length, c.end + 600);
  const mark = document.createElement('mark'); mark.textContent = text.slice(c.start, c.end);
  viewer.replaceChildren(document.createTextNode((from > 0 ? '…' : '') + text.slice(from, c.start)), mark, document.createTextNode(text.slice(c.end, to) + (to < text.length ? '…' : '')));
  mark.scrollIntoView({ block: 'center' });
}
</script>
</body>
</html>`;
