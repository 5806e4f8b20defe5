import { useState } from 'react';
import { errorText, followJob, uploadFile } from '../lib/api.js';

/** First-run helper: uploads Lore's own documentation (bundled at /sample-docs/) into a collection. */
export function TryLoreDocs({ onReady }: { onReady(): void }) {
  const [state, setState] = useState<'idle' | 'working' | 'done' | 'error'>('idle');
  const [message, setMessage] = useState('');

  async function run() {
    setState('working');
    try {
      const index = (await (await fetch('/sample-docs/index.json')).json()) as { files: string[] };
      let done = 0;
      setMessage(`Adding ${index.files.length} documents…`);
      await Promise.all(
        index.files.map(async (name) => {
          const bytes = await (await fetch(`/sample-docs/${encodeURIComponent(name)}`)).blob();
          const { outcome } = await uploadFile(new File([bytes], name, { type: 'text/markdown' }), {
            collection: 'lore-docs',
          });
          if (outcome.jobId) await followJob(outcome.jobId, () => undefined);
          done++;
          setMessage(`Indexed ${done} of ${index.files.length} documents…`);
        }),
      );
      setState('done');
      setMessage('Lore’s documentation is ready. Try “How do I back up Lore?”');
      onReady();
    } catch (caught) {
      setState('error');
      setMessage(errorText(caught));
    }
  }

  return (
    <div className="try-docs card">
      <h2>No documents yet</h2>
      <p>Add your own on the Documents page, or try Lore on its own documentation in one click.</p>
      <button
        type="button"
        className="button"
        onClick={run}
        disabled={state === 'working' || state === 'done'}
      >
        {state === 'working' ? 'Adding…' : 'Try it on Lore’s own documentation'}
      </button>
      {message && (
        <p
          className={state === 'error' ? 'error-note' : 'muted'}
          role={state === 'error' ? 'alert' : 'status'}
        >
          {message}
        </p>
      )}
    </div>
  );
}
